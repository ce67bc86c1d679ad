//! A PDF of the briefing: one page per slide image, each page the image's shape.

use image::RgbaImage;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

/// Page width in PDF points (1/72 inch) for every page: A4 landscape's width, 297 mm. The height
/// follows each image's shape, so a 16:9 slide gives a 16:9 page.
const PAGE_WIDTH_PT: f32 = 841.89;

/// A PDF with one page per image, titled `title`. Images are stored losslessly (Flate).
pub fn briefing_pdf(title: &str, pages: &[RgbaImage]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    // Three objects per page: the page, its content stream and its image.
    let ids = |i: usize| {
        let base = 4 + 3 * i as i32;
        (Ref::new(base), Ref::new(base + 1), Ref::new(base + 2))
    };
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id).kids((0..pages.len()).map(|i| ids(i).0)).count(pages.len() as i32);
    pdf.document_info(info_id).title(TextStr(title)).creator(TextStr("Kuiwen Atlas 奎文规划一张图"));
    for (i, img) in pages.iter().enumerate() {
        let (page_id, content_id, image_id) = ids(i);
        let (w_px, h_px) = img.dimensions();
        let page_h_pt = PAGE_WIDTH_PT * h_px as f32 / w_px.max(1) as f32;
        let name = format!("Im{i}");
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH_PT, page_h_pt));
        page.parent(tree_id);
        page.contents(content_id);
        page.resources().x_objects().pair(Name(name.as_bytes()), image_id);
        page.finish();

        let rgb: Vec<u8> = img.pixels().flat_map(|p| [p.0[0], p.0[1], p.0[2]]).collect();
        let compressed = deflate(&rgb);
        let mut image = pdf.image_xobject(image_id, &compressed);
        image.filter(Filter::FlateDecode);
        image.width(w_px as i32);
        image.height(h_px as i32);
        image.color_space().device_rgb();
        image.bits_per_component(8);
        image.finish();

        let mut content = Content::new();
        content.save_state();
        content.transform([PAGE_WIDTH_PT, 0.0, 0.0, page_h_pt, 0.0, 0.0]);
        content.x_object(Name(name.as_bytes()));
        content.restore_state();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_per_image_with_the_image_shape() {
        let a = RgbaImage::from_pixel(160, 90, image::Rgba([200, 30, 30, 255]));
        let b = RgbaImage::from_pixel(100, 100, image::Rgba([30, 30, 200, 255]));
        let bytes = briefing_pdf("测试简报", &[a, b]);
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Count 2"), "two pages");
        assert!(text.contains("/Width 160") && text.contains("/Height 90"), "the first image at its own size");
    }
}
