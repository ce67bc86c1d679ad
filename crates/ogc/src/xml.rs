//! A small element tree for capabilities documents, read with quick-xml: elements by local name
//! (namespace prefixes dropped, so `ows:Title` and `Title` are the same), their attributes and
//! text with entities resolved. Capabilities are small; a tree keeps the readers simple.

use quick_xml::events::Event;

/// Deeper nesting than this is refused (no capabilities document comes close).
const MAX_DEPTH: usize = 200;

/// One element.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    /// The local name (`Title` for `ows:Title`).
    pub name: String,
    /// Attributes by local name (`href` for `xlink:href`), values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The text directly inside, entities resolved (not trimmed).
    pub text: String,
}

impl Element {
    /// An attribute by local name (case-sensitive).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The children with this local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child with this name, if not empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(Element::trimmed).filter(|t| !t.is_empty())
    }

    /// The text, trimmed.
    pub fn trimmed(&self) -> String {
        self.text.trim().to_owned()
    }

    /// Follow a path of child names.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }

    /// Every element below this one with this local name, depth first.
    pub fn descendants<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.children.iter().rev().collect();
        while let Some(e) = stack.pop() {
            if e.name == name {
                out.push(e);
            }
            stack.extend(e.children.iter().rev());
        }
        out
    }
}

fn local(qname: &[u8]) -> String {
    let name = String::from_utf8_lossy(qname);
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => name.into_owned(),
    }
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Element {
    let mut attrs = Vec::new();
    for a in start.attributes().with_checks(false).flatten() {
        let raw = String::from_utf8_lossy(&a.value);
        let value = quick_xml::escape::unescape(&raw).map(|v| v.into_owned()).unwrap_or_else(|_| raw.to_string());
        attrs.push((local(a.key.as_ref()), value));
    }
    Element { name: local(start.name().as_ref()), attrs, children: Vec::new(), text: String::new() }
}

/// Parse a document into its root element, or say why not (with the byte offset).
pub fn parse(bytes: &[u8]) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| format!("near byte {at}: {e}"))?;
        match event {
            Event::Start(s) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                stack.push(element(&s));
            }
            Event::Empty(s) => {
                let e = element(&s);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None if root.is_none() => root = Some(e),
                    None => {}
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else { return Err(format!("an end tag without a start near byte {at}")) };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None if root.is_none() => root = Some(done),
                    None => {}
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().map_err(|e| format!("near byte {at}: {e}"))?);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let name = r.decode().map_err(|e| format!("near byte {at}: {e}"))?;
                    let entity = format!("&{name};");
                    match quick_xml::escape::unescape(&entity) {
                        Ok(v) => top.text.push_str(&v),
                        Err(_) => top.text.push_str(&entity),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(format!("the document ends inside {} open elements (cut short?)", stack.len()));
    }
    root.ok_or_else(|| "no root element".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_attributes_and_entities() {
        let doc = br#"<?xml version="1.0"?><wfs:Root xmlns:wfs="x" xmlns:xlink="y"><ows:Title>A &amp; B &#x5947;</ows:Title><Get xlink:href="http://h/?a=1&amp;b=2"/></wfs:Root>"#;
        let root = parse(doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(root.name, "Root");
        assert_eq!(root.child_text("Title").as_deref(), Some("A & B 奇"));
        assert_eq!(root.child("Get").and_then(|g| g.attr("href")), Some("http://h/?a=1&b=2"));
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a><b>").is_err());
    }
}
