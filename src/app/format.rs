//! How property values read in the metadata panel: numbers with their units, money in 亿元.

use serde_json::Value;

use super::i18n::Lang;

/// The unit a property key names by its suffix, as (zh, en).
fn unit_of(key: &str) -> Option<(&'static str, &'static str)> {
    let suffixes: [(&str, (&str, &str)); 12] = [
        ("_km2", ("km²", "km²")),
        ("_m2", ("m²", "m²")),
        ("_mu", ("亩", "mu")),
        ("_ha", ("公顷", "ha")),
        ("_km", ("km", "km")),
        ("_m", ("m", "m")),
        ("_min", ("分钟", "min")),
        ("_pct", ("%", "%")),
        ("households", ("户", "households")),
        ("population", ("人", "people")),
        ("villages", ("个村", "villages")),
        ("managers", ("名", "people")),
    ];
    suffixes.iter().find(|(s, _)| key.ends_with(s)).map(|(_, u)| *u)
}

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
    match lang {
        Lang::Zh if x.abs() >= 1e8 => format!("{} 亿元", number(x / 1e8, 2)),
        Lang::Zh if x.abs() >= 1e4 => format!("{} 万元", number(x / 1e4, 2)),
        Lang::Zh => format!("{} 元", number(x, 2)),
        Lang::En if x.abs() >= 1e9 => format!("CNY {} billion", number(x / 1e9, 2)),
        Lang::En if x.abs() >= 1e6 => format!("CNY {} million", number(x / 1e6, 2)),
        Lang::En => format!("CNY {}", number(x, 2)),
    }
}

/// A property value for display, with the unit its key names.
pub fn property_value(key: &str, value: &Value, lang: Lang) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => lang.t(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" }).to_owned(),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if key.ends_with("_yuan") {
                return yuan(x, lang);
            }
            if key.ends_with("_year") || key == "year" || key.ends_with("code") {
                return n.to_string();
            }
            match unit_of(key) {
                Some((zh, en)) => format!("{} {}", number(x, 3), lang.t(zh, en)),
                None => number(x, 3),
            }
        }
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(|v| property_value("", v, lang)).collect::<Vec<_>>().join(lang.t("、", ", ")),
        Value::Object(_) => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
