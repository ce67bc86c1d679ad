//! How property values read in the metadata panel: numbers with their units, money in 亿元, coded
//! values by name, as the layer's field schema (`model::schema`) says.

use serde_json::Value;

use super::i18n::Lang;
use crate::model::schema::{Field, Unit};

/// A number with thousands separators and at most `decimals` decimals, trailing zeros dropped.
pub fn number(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let (int, frac) = s
        .split_once('.')
        .map(|(a, b)| (a.to_owned(), b.trim_end_matches('0').to_owned()))
        .unwrap_or((s.clone(), String::new()));
    let neg = int.starts_with('-');
    let digits: Vec<char> = int.trim_start_matches('-').chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    let sign = if neg { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac}") }
}

/// Money in yuan the way Chinese documents write it: 亿元 above 1e8, 万元 above 1e4.
pub fn yuan(x: f64, lang: Lang) -> String {
    yuan_decimals(x, 2, lang)
}

/// [`yuan`] with at most `d` decimals of the 亿/万 (billion/million) figure.
fn yuan_decimals(x: f64, d: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh if x.abs() >= 1e8 => format!("{} 亿元", number(x / 1e8, d)),
        Lang::Zh if x.abs() >= 1e4 => format!("{} 万元", number(x / 1e4, d)),
        Lang::Zh => format!("{} 元", number(x, d)),
        Lang::En if x.abs() >= 1e9 => format!("CNY {} billion", number(x / 1e9, d)),
        Lang::En if x.abs() >= 1e6 => format!("CNY {} million", number(x / 1e6, d)),
        Lang::En => format!("CNY {}", number(x, d)),
    }
}

/// A property value for display, with the unit its key names (`_km2`, `_yuan`…): the defaults of
/// [`Field::generic`], for places that know only the key.
pub fn property_value(key: &str, value: &Value, lang: Lang) -> String {
    field_value(&Field::generic(key), value, lang)
}

/// A property value as its schema field says: a coded value's name, codes and years as written,
/// money in 万元/亿元, other numbers with their decimals and unit, lists item by item.
pub fn field_value(field: &Field, value: &Value, lang: Lang) -> String {
    let english = lang.english();
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => match field.value_label(if *b { "true" } else { "false" }, english) {
            Some(l) => l.to_owned(),
            None => lang.t(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" }).to_owned(),
        },
        Value::Number(n) => {
            if let Some(l) = field.value_label(&n.to_string(), english) {
                return l.to_owned();
            }
            if field.code {
                return n.to_string();
            }
            with_unit(field, n.as_f64().unwrap_or(f64::NAN), lang)
        }
        Value::String(s) => {
            if let Some(l) = field.value_label(s, english) {
                return l.to_owned();
            }
            // CSV and some DBF columns carry numbers as text: a field with a unit still reads as a figure.
            match s.trim().parse::<f64>() {
                Ok(x) if field.unit.is_some() && !field.code && x.is_finite() => with_unit(field, x, lang),
                _ => s.clone(),
            }
        }
        Value::Array(a) => a.iter().map(|v| field_value(field, v, lang)).collect::<Vec<_>>().join(lang.t("、", ", ")),
        Value::Object(_) => value.to_string(),
    }
}

/// A number in the field's unit and decimals.
fn with_unit(field: &Field, x: f64, lang: Lang) -> String {
    let decimals = field.decimals.map_or(3, usize::from);
    match &field.unit {
        Some(Unit::Money { yuan_per_unit }) => {
            yuan_decimals(x * yuan_per_unit, field.decimals.map_or(2, usize::from), lang)
        }
        Some(Unit::Text { zh, en }) if !lang.t(zh, en).is_empty() => {
            format!("{} {}", number(x, decimals), lang.t(zh, en))
        }
        _ => number(x, decimals),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::LayerSchema;
    use serde_json::json;

    #[test]
    fn formats_numbers_money_and_units() {
        assert_eq!(number(1234567.891, 2), "1,234,567.89");
        assert_eq!(number(30.0, 3), "30");
        assert_eq!(property_value("investment_yuan", &json!(3.0e9), Lang::Zh), "30 亿元");
        assert_eq!(property_value("investment_yuan", &json!(3.0e9), Lang::En), "CNY 3 billion");
        assert_eq!(property_value("planned_area_km2", &json!(2), Lang::Zh), "2 km²");
        assert_eq!(property_value("area_mu", &json!(600), Lang::Zh), "600 亩");
        assert_eq!(property_value("households", &json!(6012), Lang::Zh), "6,012 户");
        assert_eq!(property_value("code", &json!(370705001), Lang::Zh), "370705001");
        assert_eq!(property_value("industries", &json!(["金融", "电商"]), Lang::Zh), "金融、电商");
    }

    #[test]
    fn fields_read_as_their_schema_says() {
        let parks = LayerSchema::embedded("parks.geojson");
        let f = |k: &str| parks.field(k).into_owned();
        assert_eq!(field_value(&f("investment_yuan"), &json!(3.0e9), Lang::Zh), "30 亿元");
        assert_eq!(field_value(&f("companies_intended"), &json!(200), Lang::Zh), "200 家");
        assert_eq!(field_value(&f("companies_intended"), &json!(200), Lang::En), "200");
        assert_eq!(field_value(&f("output_target_years"), &json!(3), Lang::En), "3 years");
        assert_eq!(field_value(&f("founded_year"), &json!(1917), Lang::Zh), "1917");
        let roads = LayerSchema::embedded("roads.geojson");
        assert_eq!(field_value(&roads.field("road_class"), &json!("arterial"), Lang::Zh), "主干路");
        assert_eq!(field_value(&roads.field("status"), &json!("planned"), Lang::En), "Planned");
        let town = LayerSchema::embedded("southern_new_town.geojson");
        assert_eq!(
            field_value(&town.field("parts_drawn_km2"), &json!([20.954, 9.046]), Lang::Zh),
            "20.954 km²、9.046 km²"
        );
        // A sidecar's 万元 column, written as text in a CSV, still reads as money.
        let mut s = LayerSchema::default();
        s.fields.push(Field {
            key: "TZE".into(),
            unit: Some(Unit::Money { yuan_per_unit: 1e4 }),
            ..Default::default()
        });
        assert_eq!(field_value(&s.field("TZE"), &json!("300000"), Lang::Zh), "30 亿元");
        assert_eq!(field_value(&s.field("TZE"), &json!("未定"), Lang::Zh), "未定");
    }
}
