//! The project card in the info panel, driven through the real app: a park reads like a planning
//! document (aliases, units, the article's wording, where the shape comes from) in both languages,
//! with no property key of the embedded data anywhere; a sidecar `NAME.schema.json` beside a loaded
//! file renames and hides its fields; a broken sidecar is reported with its file and line, and the
//! card still shows the fields.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{App, file_layer, harness, notices, save_image, temp_dir, wait_for};
use egui_kittest::kittest::{NodeT, Queryable};
use kuiwen_atlas::app::{FeatureRef, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::io::embedded::{FILES, load_one};

/// The size planners' laptops have: the card must read at this width of the dock.
const WINDOW: [f32; 2] = [1280.0, 800.0];

fn start_on(find: &str) -> App {
    harness(WINDOW, StartOptions { basemap: Some(Basemap::None), find: Some(find.to_owned()), ..Default::default() })
}

/// Every text the window shows (labels and values of the accessibility tree).
fn all_texts(h: &App) -> Vec<String> {
    h.query_all_by(|_| true)
        .flat_map(|n| [n.accesskit_node().label(), n.value()])
        .flatten()
        .filter(|s| !s.is_empty())
        .collect()
}

/// The property keys of the embedded data that only a developer would write: snake_case ones,
/// plus this repository's file names that the old `source` texts named.
fn raw_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for file in FILES {
        let layer = load_one(file).unwrap_or_else(|e| panic!("{}: {e}", file.file));
        for f in &layer.features {
            for k in f.properties.keys() {
                if k.contains('_') && !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys.extend(["gen_geodata", "FACTS.md", "geodata/README"].map(str::to_owned));
    keys
}

fn assert_no_raw_keys(h: &App) {
    let texts = all_texts(h);
    let keys = raw_keys();
    for k in ["investment_yuan", "planned_area_km2", "companies_text", "drawn_area_km2", "output_target_years"] {
        assert!(keys.iter().any(|x| x == k), "{k} is no longer a key of the embedded data");
    }
    for t in &texts {
        for k in &keys {
            assert!(!t.contains(k.as_str()), "the window shows the raw key `{k}` in {t:?}");
        }
    }
}

fn select_first_feature_of_file(h: &mut App) {
    wait_for(h, "the file to load", |app| file_layer(app).is_some());
    let key = file_layer(h.state()).map(|e| e.layer.key.clone()).unwrap_or_default();
    h.state_mut().selection = Some(FeatureRef { layer: key, feature: 0 });
    h.run();
}

/// Step the app in real time until `label` shows (the panel looks at a sidecar again every 2 s).
fn wait_for_label(h: &mut App, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        h.step();
        if h.query_by_label(label).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{label:?} never showed; notices: {}", notices(h.state()));
}

#[test]
fn qilu_park_reads_like_a_planning_document_in_both_languages() {
    let mut h = start_on("齐鲁创智园");
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("--find selected nothing"));
    assert_eq!(sel.layer, "parks");
    // The card: name, category, accuracy badge, figures with units, the article's wording, the source.
    h.get_by_label("齐鲁创智园");
    h.get_by_label("Qilu Innovation Park");
    h.get_by_label("总投资");
    h.get_by_label("30 亿元");
    h.get_by_label("规划面积");
    assert!(h.query_all_by_label("2 km²").count() >= 1);
    h.get_by_label("产业规模目标");
    h.get_by_label("400 亿元");
    h.get_by_label("意向企业");
    h.get_by_label("200 家");
    assert!(h.query_all_by_label("示意").count() >= 1, "the accuracy badge");
    h.get_by_label("示意面积");
    h.get_by_label("报道原文");
    h.get_by_label_contains("规划面积2平方公里，总投资30亿元");
    h.get_by_label_contains("2017 年《潍坊日报》报道《奎文区：推进“四大片区”开发带动转型升级》");
    // The article's sentences that repeat a figure are not listed again.
    assert!(h.query_by_label("总投资30亿元").is_none());
    assert!(h.query_by_label("目前意向企业达200多家").is_none());
    assert_no_raw_keys(&h);
    save_image(&mut h, "card-qilu-zh");

    // English: the same card in English words.
    h.get_by_label("English").click();
    h.run();
    h.get_by_label("Total investment");
    h.get_by_label("CNY 3 billion");
    h.get_by_label("Planned area");
    h.get_by_label("Drawn area");
    assert!(h.query_all_by_label("illustrative").count() >= 1, "the accuracy badge");
    h.get_by_label_contains("Weifang Daily");
    assert!(h.query_by_label("总投资").is_none(), "a Chinese alias left in the English card");
    assert_no_raw_keys(&h);
    save_image(&mut h, "card-qilu-en");
}

#[test]
fn every_embedded_layer_s_card_is_free_of_raw_keys() {
    // One feature of each layer, the ones with the most properties.
    let names = ["奎文区", "老市府片区", "南部新城", "1532文化创意园", "东关街道", "潍坊站", "白浪河"];
    for (i, name) in names.iter().enumerate() {
        let mut h = start_on(name);
        assert!(h.state().selection.is_some(), "--find {name} selected nothing");
        assert!(h.query_all_by_label(name).count() >= 1, "{name}'s card");
        assert_no_raw_keys(&h);
        save_image(&mut h, &format!("card-layer-{i}"));
    }
}

/// Three plots in the institute's own field codes.
const PLOTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"甲地块","TZE":50000,"BZ":"内部备注","ZT":"1","YDMJ_mu":12.5},"geometry":{"type":"Point","coordinates":[119.15,36.70]}},
{"type":"Feature","properties":{"name":"乙地块","TZE":12000,"BZ":"内部备注","ZT":"2","YDMJ_mu":8},"geometry":{"type":"Point","coordinates":[119.16,36.70]}}
]}"#;

const SIDECAR: &str = r#"{
  "comment": "规划院地块字段",
  "fields": [
    {"key": "TZE", "zh": "总投资", "en": "Total investment", "unit": "万元", "figure": true},
    {"key": "ZT", "zh": "建设状态", "en": "Status", "role": "status",
     "values": {"1": {"zh": "在建", "en": "under construction"}, "2": {"zh": "规划", "en": "planned"}}},
    {"key": "BZ", "hidden": true}
  ]
}"#;

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn open_plots(dir: &Path) -> App {
    let data = dir.join("plots.geojson");
    write(&data, PLOTS);
    let mut h = harness(WINDOW, StartOptions { basemap: Some(Basemap::None), files: vec![data], ..Default::default() });
    select_first_feature_of_file(&mut h);
    h
}

#[test]
fn a_sidecar_renames_a_field_and_hides_another() {
    let dir = temp_dir();
    write(&dir.path().join("plots.schema.json"), SIDECAR);
    let mut h = open_plots(dir.path());
    h.get_by_label("甲地块");
    h.get_by_label("总投资");
    h.get_by_label("5 亿元");
    h.get_by_label("建设状态");
    h.get_by_label("在建");
    assert!(h.query_by_label_contains("内部备注").is_none(), "the hidden field is shown");
    assert!(h.query_by_label("BZ").is_none() && h.query_by_label("TZE").is_none() && h.query_by_label("ZT").is_none());
    // A key the sidecar does not name shows itself, with the unit its suffix names.
    h.get_by_label("YDMJ_mu");
    h.get_by_label("12.5 亩");
    assert!(notices(h.state()).is_empty() || !notices(h.state()).contains("schema"), "{}", notices(h.state()));
    save_image(&mut h, "card-sidecar");
    h.get_by_label("English").click();
    h.run();
    h.get_by_label("Total investment");
    h.get_by_label("CNY 500 million");
    h.get_by_label("under construction");
}

#[test]
fn a_broken_sidecar_is_reported_with_its_line_and_the_fields_still_show() {
    let dir = temp_dir();
    // A missing comma after the entry on line 4: the parser stops at the next entry, line 5.
    let broken = SIDECAR.replacen(r#""figure": true},"#, r#""figure": true}"#, 1);
    write(&dir.path().join("plots.schema.json"), &broken);
    let mut h = open_plots(dir.path());
    let said = notices(h.state());
    assert!(said.contains("plots.schema.json") && said.contains("第 5 行"), "notice: {said}");
    // The card shows the fields under their names in the file, and says why.
    h.get_by_label("甲地块");
    h.get_by_label("TZE");
    h.get_by_label("50,000");
    h.get_by_label("BZ");
    h.get_by_label("内部备注");
    h.get_by_label_contains("plots.schema.json 第 5 行有误");
    save_image(&mut h, "card-broken-sidecar");
    // Fixed in an editor: the card picks it up without reopening the file.
    write(&dir.path().join("plots.schema.json"), SIDECAR);
    wait_for_label(&mut h, "总投资");
    h.get_by_label("5 亿元");
    assert!(h.query_by_label_contains("有误，属性按原字段名显示").is_none(), "the card still reports the old error");
}
