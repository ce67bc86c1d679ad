//! Kuiwen Atlas OGC services (OGC 服务): the web services planning institutes and Tianditu publish,
//! read without a GUI.
//!
//! - [`features`]: WFS 2.0 and OGC API Features layers, fetched as GeoJSON page after page (the
//!   view's bounding box sent in the right axis order) and read by the core's GeoJSON reader
//!   into WGS84 features; `WFS:` / `OAPIF:` specs for the command line ([`open_spec`]).
//! - [`tiles`]: WMTS and WMS capabilities, the layers that can be drawn as Web Mercator tiles,
//!   and the URL template (`{z}/{x}/{y}` or `{bbox}`) the basemap crate's tile loader fetches.
//! - [`probe`]: what an address is (any of the four services) and the layers it has.
//!
//! Errors are one enum, [`OgcError`], in Chinese and English; addresses in messages never hold
//! keys. HTTP is blocking (call from a worker thread), with a 10-second connection limit and 30
//! seconds per answer.

pub mod error;
pub mod features;
pub mod http;
pub mod tiles;
pub mod xml;

pub use error::{OgcError, Reason, redact};
pub use features::{
    FeatureLayerInfo, FeatureService, FeatureSource, FetchOptions, Fetched, MAX_FEATURES, fetch, fetch_report,
    list_layers, list_service_layers, open_spec, open_spec_with_progress,
};
pub use tiles::{
    MatrixSetInfo, Pyramid, TileChoice, TileLayerInfo, TileService, is_capabilities_url, list_tile_layers,
    tile_template,
};

use http::{get, parse_url, query_value};

/// What an address offers.
#[derive(Clone, Debug, PartialEq)]
pub enum Listing {
    /// A feature service and its layers.
    Features {
        /// The service.
        service: FeatureService,
        /// Its layers.
        layers: Vec<FeatureLayerInfo>,
    },
    /// WMTS or WMS layers, usable as basemaps or not.
    Tiles(Vec<TileLayerInfo>),
}

/// What an address is, and its layers: `service=WMTS`/`WMS` or a `WMTSCapabilities.xml` are tile
/// services, `service=WFS` or a `/collections` path feature services; anything else (a bare
/// `request=GetCapabilities` included) is fetched and told by its answer (WFS, WMTS or WMS
/// capabilities, an OGC API landing page), and failing that asked for WFS capabilities.
pub fn probe(url: &str) -> Result<Listing, OgcError> {
    let u = parse_url(url)?;
    let service = query_value(&u, "service").map(|s| s.to_ascii_uppercase());
    let path = u.path().to_ascii_lowercase();
    if matches!(service.as_deref(), Some("WMTS" | "WMS")) || path.ends_with("wmtscapabilities.xml") {
        return list_tile_layers(u.as_str()).map(Listing::Tiles);
    }
    if (service.as_deref() == Some("WFS") || path.contains("/collections"))
        && let Some(service) = FeatureService::from_url(&u)
    {
        let layers = list_service_layers(&service)?;
        return Ok(Listing::Features { service, layers });
    }
    let answer = match get(u.as_str(), "application/json, application/xml;q=0.9, */*;q=0.1") {
        Ok(a) => Some(a),
        Err(OgcError::ServiceException { .. } | OgcError::Http { .. }) => None,
        Err(e) => return Err(e),
    };
    if let Some(answer) = &answer {
        if answer.is_xml()
            && let Ok(root) = xml::parse(&answer.body)
            && matches!(root.name.as_str(), "Capabilities" | "WMS_Capabilities" | "WMT_MS_Capabilities")
        {
            return tiles::tile_layers_from(&u, &root).map(Listing::Tiles);
        }
        if let Some(service) = FeatureService::from_answer(&u, answer) {
            let layers = list_service_layers(&service)?;
            return Ok(Listing::Features { service, layers });
        }
    }
    let service = FeatureService::detect(u.as_str())?;
    let layers = list_service_layers(&service)?;
    Ok(Listing::Features { service, layers })
}
