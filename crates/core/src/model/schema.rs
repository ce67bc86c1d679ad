//! A layer's field schema: what each property is called in Chinese and English, its unit and
//! number format, the order the card lists it in, whether it is hidden, and which part of the
//! project card it fills (name, category, status, the article's wording, provenance, key figures).
//!
//! Planners read 总投资 30 亿元, not `investment_yuan: 3000000000`. GIS desktops solve this with
//! field aliases; here every embedded layer has a schema written out below, any other key gets
//! defaults from its name (`_km2` is km², `_yuan` is money shown in 万元/亿元…), and a sidecar file
//! next to a loaded file (`io::schema`) overrides and extends both. A key nobody describes shows
//! itself: the schema never hides data, it only names it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{LayerOrigin, Properties};

/// The unit a number is in.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// Money. The value times `yuan_per_unit` is yuan; it reads as 元 / 万元 / 亿元 (CNY million /
    /// billion in English), so a file that stores 万元 (as Chinese budget tables do) still reads right.
    Money {
        /// 1 for yuan, 1e4 for 万元, 1e8 for 亿元.
        yuan_per_unit: f64,
    },
    /// Any other unit, written after the number (empty: none in that language).
    Text {
        /// In Chinese: 亩, 户, km².
        zh: String,
        /// In English: mu, households, km².
        en: String,
    },
}

impl Unit {
    fn text(zh: &str, en: &str) -> Self {
        Self::Text { zh: zh.to_owned(), en: en.to_owned() }
    }

    /// The unit a sidecar names: a known code (`yuan`, `wan_yuan`, `km2`, `mu`, `m`, `pct`…, or
    /// the Chinese 元/万元/亿元/亩/公顷/平方公里…), else the text itself (with `unit_en` for English).
    pub fn parse(name: &str, unit_en: Option<&str>) -> Self {
        let known = match name.trim() {
            "yuan" | "元" => Some(Self::Money { yuan_per_unit: 1.0 }),
            "wan_yuan" | "万元" => Some(Self::Money { yuan_per_unit: 1e4 }),
            "yi_yuan" | "亿元" => Some(Self::Money { yuan_per_unit: 1e8 }),
            "km2" | "km²" | "平方公里" | "平方千米" => Some(Self::text("km²", "km²")),
            "m2" | "m²" | "平方米" => Some(Self::text("m²", "m²")),
            "mu" | "亩" => Some(Self::text("亩", "mu")),
            "ha" | "公顷" => Some(Self::text("公顷", "ha")),
            "km" | "公里" | "千米" => Some(Self::text("km", "km")),
            "m" | "米" => Some(Self::text("m", "m")),
            "min" | "分钟" => Some(Self::text("分钟", "min")),
            "pct" | "%" => Some(Self::text("%", "%")),
            "households" | "户" => Some(Self::text("户", "households")),
            "people" | "人" => Some(Self::text("人", "people")),
            _ => None,
        };
        match (known, unit_en) {
            (Some(Self::Text { zh, .. }), Some(en)) => Self::Text { zh, en: en.to_owned() },
            (Some(u), _) => u,
            (None, en) => Self::text(name, en.unwrap_or(name)),
        }
    }
}

/// The part of the project card a field fills instead of a row of the attribute list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The Chinese name (the card's title).
    Name,
    /// The English name.
    NameEn,
    /// What the feature is (the card's category chip).
    Category,
    /// Where the project stands (first row of the key figures).
    Status,
    /// The article's or the plan's own wording (quoted under the figures).
    Description,
    /// Where the shape and figures come from, in Chinese (the provenance line).
    Source,
    /// The same in English.
    SourceEn,
    /// `illustrative` / `approximate` / `official` (the accuracy badge).
    Accuracy,
    /// The credit a licence asks for.
    Credit,
    /// The data's licence.
    #[serde(alias = "licence")]
    License,
    /// A link to the source.
    Link,
    /// How far the shape may be off, in metres (part of the accuracy).
    Tolerance,
    /// How the tolerance was estimated, in Chinese (the badge's tooltip).
    ToleranceNote,
    /// The same in English.
    ToleranceNoteEn,
}

/// One property as the card shows it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Field {
    /// The property key in the file.
    pub key: String,
    /// The Chinese display name (None: the key).
    pub zh: Option<String>,
    /// The English display name (None: the Chinese one, else the key).
    pub en: Option<String>,
    /// The unit of its numbers.
    pub unit: Option<Unit>,
    /// At most this many decimals (trailing zeros dropped); None: 3.
    pub decimals: Option<u8>,
    /// Digits as written, without thousands separators: codes and years.
    pub code: bool,
    /// Left out of the card and the list.
    pub hidden: bool,
    /// One of the card's key figures (shown large at the top, not in the list).
    pub figure: bool,
    /// The part of the card it fills instead of a list row.
    pub role: Option<Role>,
    /// Display names of coded values: (value as written, zh, en), e.g. ("existing", "现状", "existing").
    pub values: Vec<(String, String, String)>,
}

impl Field {
    /// The defaults a key's name implies: the unit of a suffix (`_km2`, `_mu`, `_yuan`, `_m`…),
    /// codes and years as written, the card's roles of the usual keys, and the names of common keys.
    pub fn generic(key: &str) -> Self {
        let unit = if key.ends_with("_yuan") {
            Some(Unit::Money { yuan_per_unit: 1.0 })
        } else {
            SUFFIX_UNITS.iter().find(|(s, ..)| key.ends_with(s)).map(|(_, zh, en)| Unit::text(zh, en))
        };
        let area_or_money = matches!(&unit, Some(Unit::Money { .. }))
            || matches!(&unit, Some(Unit::Text { zh, .. }) if ["km²", "亩", "公顷"].contains(&zh.as_str()));
        let (zh, en) = GENERIC_NAMES
            .iter()
            .find(|(k, ..)| *k == key)
            .map_or((None, None), |(_, zh, en)| (Some((*zh).to_owned()), Some((*en).to_owned())));
        Self {
            key: key.to_owned(),
            zh,
            en,
            code: key.ends_with("_year") || key == "year" || key.ends_with("code"),
            figure: area_or_money || ["households", "population", "managers"].contains(&key),
            role: GENERIC_ROLES.iter().find(|(k, _)| *k == key).map(|(_, r)| *r),
            unit,
            ..Default::default()
        }
    }

    /// The name to show: the alias in the language asked for, else the other one, else the key.
    pub fn label(&self, english: bool) -> &str {
        let (first, second) = if english { (&self.en, &self.zh) } else { (&self.zh, &self.en) };
        first.as_deref().or(second.as_deref()).unwrap_or(&self.key)
    }

    /// Whether a planner gave it a name (else the key shows).
    pub fn has_alias(&self) -> bool {
        self.zh.is_some() || self.en.is_some()
    }

    /// The display name of a coded value (`existing` → 现状), if the schema has one.
    pub fn value_label(&self, raw: &str, english: bool) -> Option<&str> {
        self.values.iter().find(|(v, ..)| v == raw).map(|(_, zh, en)| if english { en.as_str() } else { zh.as_str() })
    }

    /// Apply what a sidecar says of this field (what it leaves out stays).
    pub fn patch(&mut self, p: FieldPatch) {
        if p.zh.is_some() {
            self.zh = p.zh;
        }
        if p.en.is_some() {
            self.en = p.en;
        }
        if let Some(u) = p.unit {
            self.unit = if u.trim().is_empty() { None } else { Some(Unit::parse(&u, p.unit_en.as_deref())) };
        } else if let (Some(en), Some(Unit::Text { en: e, .. })) = (p.unit_en, self.unit.as_mut()) {
            *e = en;
        }
        if p.decimals.is_some() {
            self.decimals = p.decimals;
        }
        if let Some(c) = p.code {
            self.code = c;
        }
        if let Some(h) = p.hidden {
            self.hidden = h;
        }
        if let Some(f) = p.figure {
            self.figure = f;
        }
        if p.role.is_some() {
            self.role = p.role;
        }
        if let Some(values) = p.values {
            for (raw, names) in values {
                let (zh, en) = match names {
                    ValueNames::One(s) => (s.clone(), s),
                    ValueNames::Two { zh, en } => (zh.clone(), en.unwrap_or(zh)),
                };
                self.values.retain(|(v, ..)| *v != raw);
                self.values.push((raw, zh, en));
            }
        }
    }

    // ---- Builders for the embedded schemas below ----

    fn named(key: &str, zh: &str, en: &str) -> Self {
        let mut f = Self::generic(key);
        f.zh = Some(zh.to_owned());
        f.en = Some(en.to_owned());
        f
    }

    fn hide(mut self) -> Self {
        self.hidden = true;
        self
    }

    fn fig(mut self) -> Self {
        self.figure = true;
        self
    }

    fn no_fig(mut self) -> Self {
        self.figure = false;
        self
    }

    fn unit(mut self, zh: &str, en: &str) -> Self {
        self.unit = Some(Unit::text(zh, en));
        self
    }

    fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }

    fn code(mut self) -> Self {
        self.code = true;
        self
    }

    fn vals(mut self, values: &[(&str, &str, &str)]) -> Self {
        self.values = values.iter().map(|(v, zh, en)| ((*v).to_owned(), (*zh).to_owned(), (*en).to_owned())).collect();
        self
    }
}

/// Units named by a key's ending (money, `_yuan`, is handled apart). `_km2` before `_m2` before `_m`.
const SUFFIX_UNITS: [(&str, &str, &str); 12] = [
    ("_km2", "km²", "km²"),
    ("_m2", "m²", "m²"),
    ("_mu", "亩", "mu"),
    ("_ha", "公顷", "ha"),
    ("_km", "km", "km"),
    ("_m", "m", "m"),
    ("_min", "分钟", "min"),
    ("_pct", "%", "%"),
    ("households", "户", "households"),
    ("population", "人", "people"),
    ("villages", "个村", "villages"),
    ("managers", "名", "people"),
];

/// The card's parts filled by the usual keys, whatever the layer.
const GENERIC_ROLES: [(&str, Role); 19] = [
    ("name", Role::Name),
    ("名称", Role::Name),
    ("NAME", Role::Name),
    ("Name", Role::Name),
    ("name_zh", Role::Name),
    ("title", Role::Name),
    ("name_en", Role::NameEn),
    ("category", Role::Category),
    ("status", Role::Status),
    ("description", Role::Description),
    ("source", Role::Source),
    ("source_en", Role::SourceEn),
    ("accuracy", Role::Accuracy),
    ("attribution", Role::Credit),
    ("license", Role::License),
    ("source_url", Role::Link),
    ("tolerance_m", Role::Tolerance),
    ("tolerance_note", Role::ToleranceNote),
    ("tolerance_note_en", Role::ToleranceNoteEn),
];

/// Names of keys common in planning files (any layer; a layer's own schema may rename them).
const GENERIC_NAMES: [(&str, &str, &str); 32] = [
    ("name", "名称", "Name"),
    ("name_en", "英文名称", "English name"),
    ("category", "类别", "Category"),
    ("status", "状态", "Status"),
    ("description", "说明", "Description"),
    ("source", "来源", "Source"),
    ("source_en", "来源（英文）", "Source"),
    ("accuracy", "精度", "Accuracy"),
    ("attribution", "版权", "Credit"),
    ("license", "许可", "Licence"),
    ("source_url", "来源链接", "Source link"),
    ("tolerance_m", "容差", "Tolerance"),
    ("tolerance_note", "容差说明", "About the tolerance"),
    ("tolerance_note_en", "容差说明（英文）", "About the tolerance"),
    ("households", "户数", "Households"),
    ("population", "人口", "Population"),
    ("managers", "网格员", "Grid managers"),
    ("area_km2", "面积", "Area"),
    ("area_m2", "面积", "Area"),
    ("area_ha", "面积", "Area"),
    ("area_mu", "占地面积", "Site area"),
    ("length_m", "长度", "Length"),
    ("perimeter_m", "周长", "Perimeter"),
    ("investment_yuan", "总投资", "Total investment"),
    ("subdistrict", "所属街道", "Subdistrict"),
    ("community", "所属社区", "Community"),
    ("code", "代码", "Code"),
    ("year", "年份", "Year"),
    ("road", "所在道路", "Road"),
    ("level", "层级", "Level"),
    ("villages", "村庄", "Villages"),
    ("industries", "主导产业", "Industries"),
];

/// What a sidecar says of one field; what it leaves out keeps its default. The JSON format is
/// documented in the README (“Field names and units: the schema sidecar”).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPatch {
    /// The property key in the file (required).
    pub key: String,
    /// Chinese display name.
    #[serde(default)]
    pub zh: Option<String>,
    /// English display name.
    #[serde(default)]
    pub en: Option<String>,
    /// The unit: a code (`yuan`, `wan_yuan`, `yi_yuan`, `km2`, `m2`, `mu`, `ha`, `km`, `m`,
    /// `min`, `pct`, `households`, `people`), its Chinese (元, 万元, 亩…), or any text; "" for none.
    #[serde(default)]
    pub unit: Option<String>,
    /// The unit's English text when `unit` is free text.
    #[serde(default)]
    pub unit_en: Option<String>,
    /// At most this many decimals.
    #[serde(default)]
    pub decimals: Option<u8>,
    /// Digits as written (codes, years).
    #[serde(default)]
    pub code: Option<bool>,
    /// Left out of the card and the list.
    #[serde(default)]
    pub hidden: Option<bool>,
    /// One of the card's key figures.
    #[serde(default)]
    pub figure: Option<bool>,
    /// The part of the card it fills (`name`, `name_en`, `category`, `status`, `description`,
    /// `source`, `source_en`, `credit`…).
    #[serde(default)]
    pub role: Option<Role>,
    /// Display names of coded values: `{"1": "现状"}` or `{"1": {"zh": "现状", "en": "existing"}}`.
    #[serde(default)]
    pub values: Option<BTreeMap<String, ValueNames>>,
}

/// A coded value's display name: one text for both languages, or each.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ValueNames {
    /// The same text in both languages.
    One(String),
    /// Chinese and (optionally) English.
    Two {
        /// Chinese.
        zh: String,
        /// English (None: the Chinese).
        #[serde(default)]
        en: Option<String>,
    },
}

/// The fields of a layer, in the order the card lists them.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LayerSchema {
    /// Described fields, in order; keys not listed follow them with [`Field::generic`] defaults.
    pub fields: Vec<Field>,
}

impl LayerSchema {
    /// The defaults of a layer by where it came from: the embedded layers' own schemas, nothing
    /// beyond the key-name defaults for anything else.
    pub fn for_origin(origin: &LayerOrigin) -> Self {
        match origin {
            LayerOrigin::Embedded { file } => Self::embedded(file),
            _ => Self::default(),
        }
    }

    /// The schema of an embedded file (`parks.geojson`); empty for an unknown name.
    pub fn embedded(file: &str) -> Self {
        Self { fields: embedded_fields(file.strip_suffix(".geojson").unwrap_or(file)) }
    }

    /// How a key is shown: its described field, else the defaults its name implies.
    pub fn field(&self, key: &str) -> Cow<'_, Field> {
        match self.fields.iter().find(|f| f.key == key) {
            Some(f) => Cow::Borrowed(f),
            None => Cow::Owned(Field::generic(key)),
        }
    }

    /// The fields the feature has, in the schema's order, then the undescribed keys (in the
    /// properties' own order, alphabetical), each with its value.
    pub fn ordered<'a>(&'a self, props: &'a Properties) -> Vec<(Cow<'a, Field>, &'a Value)> {
        let mut out: Vec<(Cow<'a, Field>, &'a Value)> =
            self.fields.iter().filter_map(|f| props.get(&f.key).map(|v| (Cow::Borrowed(f), v))).collect();
        for (k, v) in props.iter() {
            if !self.fields.iter().any(|f| f.key == *k) {
                out.push((Cow::Owned(Field::generic(k)), v));
            }
        }
        out
    }

    /// The key that fills `role` for this feature: a described field with the role first, then
    /// an undescribed key whose name implies it. Hidden fields fill no role.
    pub fn key_for<'a>(&'a self, role: Role, props: &'a Properties) -> Option<&'a str> {
        self.ordered(props).into_iter().find(|(f, _)| f.role == Some(role) && !f.hidden).map(|(f, _)| match f {
            Cow::Borrowed(f) => f.key.as_str(),
            // An undescribed key: return the properties' own copy of the name.
            Cow::Owned(f) => props.keys().find(|k| **k == f.key).map_or("", String::as_str),
        })
    }

    /// The text of the field that fills `role` (None: no such field, or not a non-empty text).
    pub fn text<'a>(&'a self, role: Role, props: &'a Properties) -> Option<&'a str> {
        let key = self.key_for(role, props)?;
        props.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    }

    /// Apply a sidecar: each field it lists takes what it says and moves, in the sidecar's order,
    /// before the fields it does not list (which keep their order).
    pub fn apply(&mut self, patches: Vec<FieldPatch>) {
        let mut listed: Vec<Field> = Vec::new();
        for p in patches {
            let mut f = match listed.iter().position(|f| f.key == p.key) {
                // Listed twice: the later entry adds to the earlier one.
                Some(i) => listed.remove(i),
                None => match self.fields.iter().position(|f| f.key == p.key) {
                    Some(i) => self.fields.remove(i),
                    None => Field::generic(&p.key),
                },
            };
            f.patch(p);
            listed.push(f);
        }
        listed.append(&mut self.fields);
        self.fields = listed;
    }
}

// ---------------------------------------------------------------------------------------------
// The embedded layers' schemas: every key of `geodata/*.geojson`, named as a planning document
// names it, in the order a planner reads a card. `*_text` sentences that only repeat a figure
// shown as a number are hidden (the article's full wording stays in `description`).

/// Keys every embedded feature carries; they fill the card's title and provenance line.
fn common_fields() -> Vec<Field> {
    use Role::*;
    vec![
        Field::named("name", "名称", "Name").role(Name),
        Field::named("name_en", "英文名称", "English name").role(NameEn),
        Field::named("category", "类别", "Category").role(Category),
        Field::named("accuracy", "精度", "Accuracy").role(Accuracy),
        Field::named("source", "来源", "Source").role(Source),
        Field::named("source_en", "来源（英文）", "Source").role(SourceEn),
        Field::named("tolerance_m", "容差", "Tolerance").role(Tolerance),
        Field::named("tolerance_note", "容差说明", "About the tolerance").role(ToleranceNote),
        Field::named("tolerance_note_en", "容差说明（英文）", "About the tolerance").role(ToleranceNoteEn),
        Field::named("attribution", "版权", "Credit").role(Credit),
        Field::named("license", "许可", "Licence").role(License),
        Field::named("source_url", "来源链接", "Source link").role(Link),
    ]
}

const EXISTING_PLANNED: [(&str, &str, &str); 2] = [("existing", "现状", "Existing"), ("planned", "规划", "Planned")];

fn embedded_fields(stem: &str) -> Vec<Field> {
    use Role::*;
    let n = Field::named;
    let own: Vec<Field> = match stem {
        "kuiwen_boundary" => vec![
            n("area_km2", "面积", "Area"),
            n("area_text", "面积说明", "About the area"),
            n("self_run_area_text", "直管面积", "Area Kuiwen runs itself"),
            n("admin_code", "行政区划代码", "Administrative code").code(),
            n("city", "所属城市", "City"),
            n("province", "所属省份", "Province"),
            n("boundary_id", "geoBoundaries 编号", "geoBoundaries ID"),
        ],
        "development_districts" => vec![
            n("status", "进展", "Progress").role(Status),
            n("role", "功能定位", "Role"),
            n("plan_note", "规划要点", "Planning aims").role(Description),
            n("location_text", "区位", "Location"),
            n("in_new_town", "属于南部新城", "In the southern new town"),
            n("drawn_area_km2", "示意面积", "Drawn area").no_fig(),
            n("freed_land_text", "腾空土地", "Land to be freed"),
            n("four_districts_text", "四大片区", "The four districts"),
            n("development_model_text", "开发模式", "Development model"),
        ],
        "southern_new_town" => vec![
            n("status", "进展", "Progress").role(Status),
            n("area_km2", "规划面积", "Planned area").fig(),
            n("villages", "涉及村庄", "Villages").unit("个", "").fig(),
            n("population", "涉及人口", "People").fig(),
            n("goal", "建设目标", "Goal"),
            n("goal_text", "目标表述", "Aims as stated"),
            n("positioning_text", "功能定位", "Role"),
            n("districts_text", "包含片区", "Areas within"),
            n("plan_text", "规划范围", "Planning scope"),
            n("planner_text", "规划编制单位", "Planners"),
            n("drawn_area_km2", "示意面积", "Drawn area").no_fig(),
            n("parts_drawn_km2", "各部分示意面积", "Drawn area of each part").no_fig(),
            n("area_text", "面积（原文）", "Area as reported").hide(),
            n("villages_text", "村庄人口（原文）", "Villages as reported").hide(),
        ],
        "parks" => vec![
            n("planned_area_km2", "规划面积", "Planned area").fig(),
            n("area_mu", "占地面积", "Site area").fig(),
            n("investment_yuan", "总投资", "Total investment").fig(),
            n("output_target_yuan", "产业规模目标", "Industry output target").fig(),
            n("output_target_years", "目标年限", "Target within").unit("年", "years").fig(),
            n("companies_intended", "意向企业", "Companies interested").unit("家", "").fig(),
            n("description", "报道原文", "As reported").role(Description),
            n("industries", "主导产业", "Industries"),
            n("key_project_text", "重点项目", "Key project"),
            n("location_text", "区位", "Location"),
            n("former_use_text", "原址", "Former use"),
            n("founded_year", "始建年份", "Founded"),
            n("area_source", "占地面积来源", "Source of the site area"),
            n("area_mu_other", "其他来源占地面积", "Site area in other sources").unit("亩", "mu").no_fig(),
            n("area_mu_other_source", "其他来源说明", "Other sources"),
            n("yihaocang_companies", "壹号仓入驻企业", "Yihaocang: companies").unit("家", ""),
            n("yihaocang_storage_bays", "壹号仓立体仓位", "Yihaocang: storage bays").unit("个", "bays"),
            n("yihaocang_turnover_target_yuan", "壹号仓流水额目标", "Yihaocang: turnover target").no_fig(),
            n("yihaocang_turnover_target_year", "流水额目标年份", "Turnover target year"),
            n("related_areas", "相关片区", "Related areas"),
            n("model_text", "发展模式", "Model"),
            n("incubation_bases_text", "孵化基地", "Incubation bases"),
            n("drawn_area_km2", "示意面积", "Drawn area").no_fig(),
            // The article's sentences for figures shown above as numbers.
            n("planned_area_text", "规划面积（原文）", "Planned area as reported").hide(),
            n("investment_text", "总投资（原文）", "Investment as reported").hide(),
            n("output_target_text", "产业规模目标（原文）", "Output target as reported").hide(),
            n("companies_text", "意向企业（原文）", "Companies as reported").hide(),
            n("area_text", "占地面积（原文）", "Site area as reported").hide(),
            n("yihaocang_text", "壹号仓（原文）", "Yihaocang as reported").hide(),
        ],
        "subdistricts" => vec![
            n("area_km2", "面积", "Area"),
            n("communities", "社区数", "Communities").unit("个", "").fig(),
            n("grids", "二级网格数", "Grids").unit("个", "").fig(),
            n("grid_managers", "网格员", "Grid managers").unit("名", "").fig(),
            n("code", "统计用区划代码", "Statistical code"),
            n("managed_by", "管理单位", "Run by"),
            n("party_org_text", "党组织", "Party organisation"),
        ],
        "communities" => vec![
            n("households", "户数", "Households"),
            n("area_km2", "面积", "Area"),
            n("grid_count", "二级网格数", "Grids").unit("个", "").fig(),
            n("service_radius_min", "服务半径（步行）", "Service radius (walking)").fig(),
            n("subdistrict", "所属街道", "Subdistrict"),
            n("subdistrict_code", "街道代码", "Subdistrict code"),
            n("party_org_text", "党组织", "Party organisation"),
        ],
        "grids" => vec![
            n("managers", "网格员", "Grid managers"),
            n("grid_no", "网格编号", "Grid number").code(),
            n("community", "所属社区", "Community"),
            n("subdistrict", "所属街道", "Subdistrict"),
            n("level", "层级", "Level"),
            n("party_org_text", "党组织", "Party organisation"),
            // A key for joining to the communities, not something a planner reads.
            n("community_id", "社区编号", "Community ID").hide(),
        ],
        "facilities" => vec![
            n("status", "状态", "Status").role(Status).vals(&EXISTING_PLANNED),
            n("pupils", "在校学生", "Pupils").unit("人", "").fig(),
            n("children", "在园幼儿", "Children").unit("人", "").fig(),
            n("beds", "床位", "Beds").unit("张", "").fig(),
            n("community", "所属社区", "Community"),
            n("subdistrict", "所属街道", "Subdistrict"),
            n("road", "所在道路", "Road"),
            n("community_id", "社区编号", "Community ID").hide(),
        ],
        "roads" => vec![
            n("status", "状态", "Status").role(Status).vals(&EXISTING_PLANNED),
            n("length_m", "长度", "Length").fig(),
            n("road_class", "道路等级", "Road class").vals(&[
                ("arterial", "主干路", "Arterial road"),
                ("secondary", "次干路", "Secondary road"),
                ("minor", "支路", "Minor road"),
            ]),
        ],
        "jiaoji_railway" => vec![
            n("line_text", "线路", "Line"),
            n("line", "所在线路", "Line"),
            n("operator_text", "运营单位", "Operator"),
            n("district_text", "所在区", "District"),
            n("osm_name", "OpenStreetMap 站名", "Name in OpenStreetMap"),
        ],
        "bailang_river" => vec![
            n("role_text", "作用", "Role"),
            n("flow", "流向", "Flow").vals(&[("south to north", "自南向北", "South to north")]),
        ],
        _ => return Vec::new(),
    };
    // The layer's own fields first (a key may be renamed there, e.g. `status` → 进展), then the
    // common ones it does not redefine.
    let common: Vec<Field> = common_fields().into_iter().filter(|c| !own.iter().any(|f| f.key == c.key)).collect();
    let mut fields = own;
    fields.extend(common);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::embedded::FILES;
    use serde_json::json;

    fn props(v: Value) -> Properties {
        let Value::Object(m) = v else { panic!("not an object") };
        m.into()
    }

    #[test]
    fn the_parks_read_like_a_planning_document() {
        let s = LayerSchema::embedded("parks.geojson");
        let inv = s.field("investment_yuan");
        assert_eq!((inv.label(false), inv.label(true)), ("总投资", "Total investment"));
        assert_eq!(inv.unit, Some(Unit::Money { yuan_per_unit: 1.0 }));
        assert!(inv.figure && !inv.hidden);
        assert_eq!(s.field("planned_area_km2").label(false), "规划面积");
        assert_eq!(s.field("output_target_yuan").label(false), "产业规模目标");
        assert_eq!(s.field("drawn_area_km2").label(false), "示意面积");
        assert_eq!(s.field("drawn_area_km2").label(true), "Drawn area");
        assert!(!s.field("drawn_area_km2").figure, "the drawn area is not a published figure");
        for dup in ["planned_area_text", "investment_text", "companies_text", "output_target_text"] {
            assert!(s.field(dup).hidden, "{dup} repeats a figure shown as a number");
        }
        assert_eq!(s.field("companies_text").label(false), "意向企业（原文）");
        for (k, role) in [
            ("source", Role::Source),
            ("accuracy", Role::Accuracy),
            ("attribution", Role::Credit),
            ("description", Role::Description),
        ] {
            assert_eq!(s.field(k).role, Some(role), "{k}");
        }
        // Schema order: the figures first, whatever the properties' (alphabetical) order.
        let p = props(json!({"companies_intended": 200, "investment_yuan": 3e9, "planned_area_km2": 2, "zzz": 1}));
        let keys: Vec<String> = s.ordered(&p).iter().map(|(f, _)| f.key.clone()).collect();
        assert_eq!(keys, ["planned_area_km2", "investment_yuan", "companies_intended", "zzz"]);
    }

    #[test]
    fn unit_suffixes_give_units_and_unknown_keys_show_themselves() {
        let s = LayerSchema::default();
        let unit = |k: &str| s.field(k).unit.clone();
        assert_eq!(unit("area_km2"), Some(Unit::text("km²", "km²")));
        assert_eq!(unit("site_mu"), Some(Unit::text("亩", "mu")));
        assert_eq!(unit("budget_yuan"), Some(Unit::Money { yuan_per_unit: 1.0 }));
        assert_eq!(unit("width_m"), Some(Unit::text("m", "m")));
        assert_eq!(unit("floor_m2"), Some(Unit::text("m²", "m²")));
        assert_eq!(unit("green_pct"), Some(Unit::text("%", "%")));
        assert_eq!(unit("TZE"), None);
        assert_eq!(s.field("TZE").label(false), "TZE");
        assert!(!s.field("TZE").has_alias());
        assert!(s.field("admin_code").code && s.field("founded_year").code);
        assert!(s.field("budget_yuan").figure && s.field("site_mu").figure && !s.field("width_m").figure);
        assert_eq!(s.field("name").role, Some(Role::Name));
        assert_eq!(s.field("households").label(false), "户数");
    }

    #[test]
    fn every_key_of_the_embedded_data_has_a_chinese_and_an_english_name() {
        for file in FILES {
            let schema = LayerSchema::embedded(file.file);
            let layer = crate::io::embedded::load_one(file).unwrap_or_else(|e| panic!("{}: {e}", file.file));
            for f in &layer.features {
                for (k, _) in f.properties.iter() {
                    let field = schema.field(k);
                    assert!(
                        field.zh.is_some() && field.en.is_some(),
                        "{}: `{k}` has no alias (add it to model/schema.rs)",
                        file.file
                    );
                    assert!(!field.label(false).contains('_') && !field.label(true).contains('_'), "{k}");
                }
            }
        }
    }

    #[test]
    fn a_sidecar_renames_hides_and_orders() {
        let mut s = LayerSchema::embedded("parks.geojson");
        let patches: Vec<FieldPatch> = serde_json::from_value(json!([
            {"key": "TZE", "zh": "总投资", "en": "Total investment", "unit": "万元", "figure": true},
            {"key": "industries", "hidden": true},
            {"key": "ZT", "role": "status", "values": {"1": "现状", "2": {"zh": "规划", "en": "planned"}}}
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        s.apply(patches);
        assert_eq!(s.fields[0].key, "TZE");
        assert_eq!(s.field("TZE").unit, Some(Unit::Money { yuan_per_unit: 1e4 }));
        assert!(s.field("industries").hidden);
        assert_eq!(s.field("industries").label(false), "主导产业", "what the sidecar leaves out stays");
        assert_eq!(s.field("ZT").value_label("2", true), Some("planned"));
        assert_eq!(s.field("ZT").value_label("1", true), Some("现状"));
        let p = props(json!({"ZT": "1", "status": "x"}));
        assert_eq!(s.key_for(Role::Status, &p), Some("ZT"));
        assert_eq!(Unit::parse("栋", Some("buildings")), Unit::text("栋", "buildings"));
    }
}
