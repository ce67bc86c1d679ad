//! The life-circle tool in the real app, driven by label through egui_kittest (software-rendered
//! with wgpu): choose the tool, click the map, read the checklist, switch coverage mode on.

mod common;

use common::{App, click_at, save_image};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::analysis::coverage::{self, CoverageUnit};
use kuiwen_atlas::analysis::life_circle::{CHECKLIST, FacilityIndex, Level};
use kuiwen_atlas::analysis::measure::distance_m;
use kuiwen_atlas::app::StartOptions;
use kuiwen_atlas::app::fonts;
use kuiwen_atlas::app::tools::Tool;
use kuiwen_atlas::basemap::Basemap;

/// The Kuiwen government (胜利东街), in the dense old centre.
const GOVERNMENT: [f64; 2] = [119.1314, 36.7090];

fn harness(start: StartOptions) -> App {
    common::harness([1400.0, 900.0], StartOptions { basemap: Some(Basemap::None), ..start })
}

#[test]
fn clicking_the_map_with_the_tool_shows_rings_and_the_checklist() {
    let mut h = harness(StartOptions::default());
    h.get_by_label("生活圈").click();
    h.run();
    assert_eq!(h.state().tool, Tool::LifeCircle);
    h.get_by_label("15分钟生活圈");
    h.get_by_label("尚未放置圆心");
    // The panel narrows the map: fit the district into what is left before clicking.
    h.get_by_label("全图").click();
    h.run();
    let pos = h.state().screen_pos(GOVERNMENT).unwrap_or_else(|| panic!("no view yet"));
    assert!(pos.x > 300.0 && pos.x < 650.0 && pos.y > 60.0 && pos.y < 820.0, "off the map at {pos:?}");
    // Closer in, so the rings are big enough to count: about 4 km around the government.
    let (dlon, dlat) = (0.022, 0.018);
    h.state_mut().fit([GOVERNMENT[0] - dlon, GOVERNMENT[1] - dlat, GOVERNMENT[0] + dlon, GOVERNMENT[1] + dlat]);
    h.run();
    let pos = h.state().screen_pos(GOVERNMENT).unwrap_or_else(|| panic!("no view yet"));
    let before = save_image(&mut h, "life-circle-before");
    click_at(&mut h, pos);
    let center = h.state().life_circle.center.unwrap_or_else(|| panic!("the click placed no centre"));
    let off_m = distance_m(center, GOVERNMENT);
    assert!(off_m < 60.0, "centre {center:?} is {off_m} m from where we clicked");
    // The checklist: the three levels, with the standard's facility names.
    h.get_by_label("配套设施清单（GB 50180-2018）");
    assert!(h.query_all_by_label("初级中学").count() >= 2, "counts table and checklist both name it");
    assert_eq!(h.query_all_by_label("幼儿园").count(), 2, "the counts table and the open 15-minute level");
    // Open the 10-minute level: the 5-minute items are required there too.
    h.get_by_label_contains("十分钟生活圈 · 500 m").scroll_to_me();
    h.run();
    h.get_by_label_contains("十分钟生活圈 · 500 m").click();
    h.run();
    assert_eq!(h.query_all_by_label("幼儿园").count(), 3);
    assert_eq!(h.query_all_by_label("初级中学").count(), 2, "a 15-minute item is not required at 10 minutes");
    // The straight-line score in the 15-minute header is the library's for the same centre.
    let (ok, all) = {
        let app = h.state();
        let e = app.layer("facilities").unwrap_or_else(|| panic!("no facilities"));
        let index = FacilityIndex::from_layer(&e.layer);
        let inputs =
            kuiwen_atlas::analysis::life_circle::CircleInputs { facilities: Some(&index), ..Default::default() };
        let r = kuiwen_atlas::analysis::life_circle::analyze(center, &Default::default(), inputs)
            .unwrap_or_else(|e| panic!("{e}"));
        r.level_score(Level::Min15)
    };
    assert_eq!(all, 12);
    assert!(ok >= 10, "the old centre meets most of the 15-minute checklist: {ok}");
    h.get_by_label_contains(&format!("十五分钟生活圈 · 1.00 km · 直线 {ok}/{all}"));
    h.get_by_label_contains("十分钟生活圈 · 500 m");
    h.get_by_label_contains("五分钟生活圈 · 300 m");
    // Walking distances are on by default (roads.geojson), side by side with the straight line.
    assert_eq!(h.query_all_by_label("沿路网步行").count(), 2, "a walking column in each open level");
    h.get_by_label_contains(&format!("十五分钟生活圈 · 1.00 km · 直线 {ok}/{all} · 步行 "));
    h.get_by_label_contains("步行可达面积");
    h.get_by_label_contains("户（按面积比例）");
    // Every editable number has an accessible label.
    for label in ["5分钟", "10分钟", "15分钟", "步速"] {
        h.get_by_role_and_label(Role::SpinButton, label);
    }
    // The rings are drawn: the 15-minute ring's blue dashes, at the ring's radius on screen, all
    // the way round. Counted in a band 3 px either side of that radius, only where the pixel was
    // not already ring-blue before the click (facility outlines, the river), in 16 sectors.
    let after = save_image(&mut h, "life-circle");
    let c = h.state().screen_pos(center).unwrap_or_else(|| panic!("no view"));
    let radius_m = h.state().life_circle.params.radii_m[2];
    let north = destination(center, radius_m);
    let radius_px = c.distance(h.state().screen_pos(north).unwrap_or_else(|| panic!("no view")));
    assert!(radius_px > 15.0, "the 15-minute ring is {radius_px} px: too small to check");
    let ring_blue = |p: &image::Rgba<u8>| {
        let [r, g, b] = [i32::from(p[0]), i32::from(p[1]), i32::from(p[2])];
        b > 150 && r < 110 && (50..150).contains(&g) && b - r > 90
    };
    let mut sectors = [0usize; 16];
    for (x, y, p) in after.enumerate_pixels() {
        let (dx, dy) = (x as f32 + 0.5 - c.x, y as f32 + 0.5 - c.y);
        if (dx.hypot(dy) - radius_px).abs() <= 3.0 && ring_blue(p) && !ring_blue(before.get_pixel(x, y)) {
            let angle = dy.atan2(dx) + std::f32::consts::PI;
            sectors[((angle / std::f32::consts::TAU * 16.0) as usize).min(15)] += 1;
        }
    }
    let full = sectors.iter().filter(|&&n| n >= 3).count();
    assert!(full >= 14, "ring pixels at {radius_px:.0} px from the centre, by sector: {sectors:?}");
}

/// The point `distance_m` north of `from` (a spherical approximation; at a few hundred metres
/// its error is far below a pixel).
fn destination(from: [f64; 2], distance_m: f64) -> [f64; 2] {
    [from[0], from[1] + (distance_m / 6_371_008.8).to_degrees()]
}

#[test]
fn coverage_mode_colours_communities_and_summarises_them() {
    let mut h = harness(StartOptions { tool: Some(Tool::LifeCircle), ..Default::default() });
    assert_eq!(h.state().tool, Tool::LifeCircle);
    let greens = |img: &image::RgbaImage| {
        img.enumerate_pixels()
            // In i32: in u8, `p[0] + 40` wraps and light paper would count as green.
            .filter(|(x, y, p)| {
                let [r, g, b] = [p[0] as i32, p[1] as i32, p[2] as i32];
                (250..640).contains(x) && *y > 40 && g > r + 40 && g > b + 40
            })
            .count()
    };
    let before = greens(&save_image(&mut h, "coverage-off"));
    h.get_by_label("覆盖模式：按配套清单着色").click();
    h.run();
    h.run();
    assert!(h.state().life_circle.coverage);
    // The summary and legend agree with the library on the embedded data.
    let (meets, total) = {
        let app = h.state();
        let index =
            FacilityIndex::from_layer(&app.layer("facilities").unwrap_or_else(|| panic!("no facilities")).layer);
        let communities = &app.layer("communities").unwrap_or_else(|| panic!("no communities")).layer;
        let r = coverage::compute(communities, CoverageUnit::Communities, &index, 1000.0, None)
            .unwrap_or_else(|e| panic!("{e}"));
        (r.summary.meets_15min, r.summary.total)
    };
    assert_eq!(total, 65);
    h.get_by_label_contains(&format!("65 个社区中有 {meets} 个在 1000 米内满足十五分钟生活圈全部配套"));
    h.get_by_label(&format!("满足 {} 项：{meets} 个社区", CHECKLIST.len()));
    h.get_by_label_contains("个在 1000 米内有初级中学");
    h.get_by_label("导出 CSV");
    let after = greens(&save_image(&mut h, "coverage-on"));
    assert!(after > before + 2000, "communities coloured green where they meet the checklist: {before} → {after}");
    // Grids instead of communities (the panel's choice: the layer tree's group of that name is
    // drawn first).
    h.query_all_by_label("网格").last().unwrap_or_else(|| panic!("no 网格 choice")).click();
    h.run();
    h.run();
    h.get_by_label_contains("在 1000 米内满足十五分钟生活圈全部配套");
    assert!(h.query_all_by_label_contains("413 个网格中有").count() >= 13, "one line per item and the total");
    // Colour by walking distance along the streets.
    h.get_by_label("沿路网步行").click();
    h.run();
    assert!(h.state().life_circle.coverage_by_walking);
    h.get_by_label_contains("个在 1000 米内有初级中学（沿路网步行");
}

#[test]
fn start_options_place_the_circle_and_every_checklist_name_has_glyphs() {
    let h = harness(StartOptions { life_circle_at: Some(GOVERNMENT), ..Default::default() });
    assert_eq!(h.state().tool, Tool::LifeCircle);
    assert_eq!(h.state().life_circle.center, Some(GOVERNMENT));
    h.get_by_label_contains("圆心 119.13140°E, 36.70900°N");
    // The checklist strings come from src/analysis, which the font test does not scan.
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
    let font = egui::FontId::new(14.0, egui::FontFamily::Proportional);
    let text: String = CHECKLIST
        .iter()
        .flat_map(|i| [i.name_zh, i.standard_zh, i.concern.label().0])
        .chain(Level::ALL.iter().map(|l| l.label().0))
        .collect();
    let missing: String = ctx.fonts_mut(|f| text.chars().filter(|&c| !f.has_glyph(&font, c)).collect());
    assert!(missing.is_empty(), "no glyph for: {missing}");
}
