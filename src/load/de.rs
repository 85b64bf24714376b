//! A serde `Deserializer` over the positioned [`Node`] tree.
//!
//! The plan's shape is declared once, as serde/schemars types in
//! [`super::raw`]; this deserializer feeds them and turns every serde error
//! into a [`Diagnostic`] at the node where it arose. Unknown keys do not stop
//! the decoding: they are recorded in a [`Sink`] with the expected keys and a
//! "did you mean", and skipped, so one run reports them all.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::yaml::{Node, Value};
use crate::diag::{Diagnostic, Span, did_you_mean};

/// Problems that do not stop decoding (unknown keys).
#[derive(Default)]
pub struct Sink(RefCell<Vec<Diagnostic>>);

impl Sink {
    pub fn push(&self, d: Diagnostic) {
        self.0.borrow_mut().push(d);
    }

    pub fn take(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// Decode `node` as `T`, reporting non-fatal problems into `sink`.
pub fn decode<'a, T: de::Deserialize<'a>>(node: &'a Node, sink: &'a Sink) -> Result<T, Diagnostic> {
    T::deserialize(NodeDe { node, sink }).map_err(|e| e.diagnostic)
}

/// A serde error that knows where it happened.
#[derive(Debug)]
struct DeError {
    diagnostic: Diagnostic,
}

impl DeError {
    fn new(code: &'static str, message: String) -> DeError {
        DeError {
            diagnostic: Diagnostic::error(code, message),
        }
    }

    fn help(mut self, help: Option<String>) -> DeError {
        self.diagnostic.help = help;
        self
    }

    /// The innermost node that saw the error places it; outer ones keep that.
    fn at(mut self, span: Span) -> DeError {
        if self.diagnostic.span.is_none() {
            self.diagnostic.span = Some(span);
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for DeError {}

/// Messages starting with this come from [`crate::model::SimDuration`] parsing.
pub const BAD_DURATION: &str = "bad duration ";

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let msg = msg.to_string();
        match msg.strip_prefix(BAD_DURATION) {
            Some(rest) => DeError::new("bad-duration", format!("bad duration: {rest}")),
            None => DeError::new("bad-value", msg),
        }
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        wrong_type(&expected(exp), &unexpected(&unexp))
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DeError::new(
            "bad-value",
            format!("expected {}, found {}", expected(exp), unexpected(&unexp)),
        )
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        DeError::new("bad-value", format!("expected {exp}, found {len} items"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::new("unknown-value", format!("unknown value `{variant}`"))
            .help(Some(suggest(variant, expected)))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::new("unknown-key", format!("unknown key `{field}`"))
            .help(Some(suggest(field, expected)))
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new("missing-key", format!("missing key `{field}`")).help(Some(format!(
            "add `{field}:` here (see the format reference in the README)"
        )))
    }

    fn duplicate_field(field: &'static str) -> Self {
        DeError::new("duplicate-key", format!("key `{field}` is given twice"))
    }
}

fn unexpected(u: &de::Unexpected) -> String {
    match u {
        de::Unexpected::Unit => "nothing (null)".into(),
        de::Unexpected::Map => "a map".into(),
        de::Unexpected::Seq => "a list".into(),
        de::Unexpected::Str(s) => format!("text `{s}`"),
        de::Unexpected::Signed(i) => format!("the number {i}"),
        de::Unexpected::Unsigned(i) => format!("the number {i}"),
        de::Unexpected::Float(f) => format!("the number {f}"),
        other => other.to_string(),
    }
}

/// serde's names for what it wanted, in the words of the plan format.
fn expected(exp: &dyn de::Expected) -> String {
    let text = exp.to_string();
    match text.as_str() {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" => "a whole number".into(),
        "a sequence" => "a list".into(),
        "a string" => "text".into(),
        t if t.starts_with("struct ") => "a map of keys".into(),
        _ => text,
    }
}

/// A value of the wrong kind, with how to write the right one.
fn wrong_type(expected: &str, found: &str) -> DeError {
    let help = match expected {
        "a list" => {
            Some("write a list in brackets, e.g. `[a, b]`, or one `- item` per line".to_string())
        }
        "a whole number" => Some("write digits only, e.g. `2`".to_string()),
        "a map of keys" => {
            Some("write `key: value` pairs, in braces `{ … }` or indented below".to_string())
        }
        _ => None,
    };
    DeError::new("wrong-type", format!("expected {expected}, found {found}")).help(help)
}

/// "did you mean `x`? expected one of `a`, `b`".
fn suggest(got: &str, expected: &[&str]) -> String {
    let list = expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(got, expected.iter().copied()) {
        Some(dym) => format!("{dym} expected one of {list}"),
        None => format!("expected one of {list}"),
    }
}

#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Node,
    sink: &'a Sink,
}

impl<'a> NodeDe<'a> {
    fn wrong_type(&self, exp: &dyn de::Expected) -> DeError {
        wrong_type(&expected(exp), &self.node.value.describe()).at(self.node.span)
    }

    fn scalar_text(&self) -> Option<String> {
        match &self.node.value {
            Value::String(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

macro_rules! forward_to_any {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.deserialize_any(visitor)
        })*
    };
}

impl<'a> de::Deserializer<'a> for NodeDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.node.span;
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => visitor.visit_seq(Items {
                items: items.iter(),
                sink: self.sink,
            }),
            Value::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter().map(|(k, v)| (k, v)),
                value: None,
                sink: self.sink,
            }),
        };
        result.map_err(|e| e.at(span))
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Plans write phone numbers and years unquoted; take them as text.
        match (&self.node.value, self.scalar_text()) {
            (Value::String(s), _) => visitor.visit_borrowed_str(s),
            (_, Some(text)) => visitor.visit_string(text),
            _ => Err(self.wrong_type(&visitor)),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(self.wrong_type(&visitor)),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == SPANNED {
            return visitor.visit_map(SpannedAccess { de: self, step: 0 });
        }
        let Value::Map(entries) = &self.node.value else {
            return Err(self.wrong_type(&visitor));
        };
        let mut known = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match &key.value {
                Value::String(k) if fields.contains(&k.as_str()) => known.push((key, value)),
                _ => {
                    let got = NodeDe {
                        node: key,
                        sink: self.sink,
                    }
                    .scalar_text()
                    .unwrap_or_else(|| key.value.describe());
                    self.sink.push(
                        Diagnostic::error(
                            "unknown-key",
                            format!("unknown key `{got}` in {}", describe_struct(name)),
                        )
                        .at(key.span)
                        .label("not a key of this map")
                        .help(suggest(&got, fields)),
                    );
                }
            }
        }
        visitor
            .visit_map(Entries {
                entries: known.into_iter(),
                value: None,
                sink: self.sink,
            })
            .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    forward_to_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_seq deserialize_map
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }
}

/// Raw struct names as a person calls them ("RecoveryRaw" → "recovery").
fn describe_struct(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

struct Items<'a> {
    items: std::slice::Iter<'a, Node>,
    sink: &'a Sink,
}

impl<'a> SeqAccess<'a> for Items<'a> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(node) => seed
                .deserialize(NodeDe {
                    node,
                    sink: self.sink,
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'a, I> {
    entries: I,
    value: Option<&'a Node>,
    sink: &'a Sink,
}

impl<'a, I> MapAccess<'a> for Entries<'a, I>
where
    I: Iterator<Item = (&'a Node, &'a Node)>,
{
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(NodeDe {
                    node: key,
                    sink: self.sink,
                })
                .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<T::Value, DeError> {
        match self.value.take() {
            Some(node) => seed.deserialize(NodeDe {
                node,
                sink: self.sink,
            }),
            None => Err(DeError::new(
                "bad-value",
                "a map value was asked for before its key".into(),
            )),
        }
    }
}

/// The struct name by which [`Spanned`] asks [`NodeDe`] for a node's place.
const SPANNED: &str = "$reprise::Spanned";
const SPANNED_FIELDS: &[&str] = &["span", "value"];

/// A value with the place it was written, for errors found after decoding
/// (an unknown id, a count over capacity).
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub span: Span,
    pub value: T,
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Spanned<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: de::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value with its place in the file")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
                let (Some(_), Some([file, line, col, end_line, end_col])) = (
                    map.next_key::<String>()?,
                    Some(map.next_value::<[u32; 5]>()?),
                ) else {
                    return Err(de::Error::custom("spanned value without a span"));
                };
                if map.next_key::<String>()?.is_none() {
                    return Err(de::Error::custom("spanned value without a value"));
                }
                let value = map.next_value::<T>()?;
                let span = Span {
                    file: crate::diag::FileId(file),
                    line,
                    col,
                    end_line,
                    end_col,
                };
                Ok(Spanned { span, value })
            }
        }
        d.deserialize_struct(SPANNED, SPANNED_FIELDS, V(std::marker::PhantomData))
    }
}

/// What an [`Ids`] value names: the words of its error, its JSON Schema.
pub trait Expecting {
    /// What a bad value is told was expected.
    const TEXT: &'static str;
    /// The JSON Schema's name and description.
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    /// The shortest list the schema allows, if any.
    const MIN_ITEMS: Option<u32>;
}

/// Ids written alone or as a list, each with its place: how plans,
/// scenarios and exercises let one write `entry: vpn` or
/// `entry: [vpn, mail]`. `E` says what the ids name.
pub struct Ids<E>(pub Vec<Spanned<String>>, std::marker::PhantomData<E>);

impl<E> fmt::Debug for Ids<E> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_tuple("Ids").field(&self.0).finish()
    }
}

struct OneOrList<E>(
    Result<String, Vec<Spanned<String>>>,
    std::marker::PhantomData<E>,
);

impl<'de, E: Expecting> de::Deserialize<'de> for OneOrList<E> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<E>(std::marker::PhantomData<E>);
        impl<'de, E: Expecting> Visitor<'de> for V<E> {
            type Value = OneOrList<E>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(E::TEXT)
            }
            fn visit_str<X: de::Error>(self, v: &str) -> Result<OneOrList<E>, X> {
                Ok(OneOrList(Ok(v.to_string()), std::marker::PhantomData))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<OneOrList<E>, A::Error> {
                <Vec<Spanned<String>> as de::Deserialize>::deserialize(
                    de::value::SeqAccessDeserializer::new(seq),
                )
                .map(|list| OneOrList(Err(list), std::marker::PhantomData))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<'de, E: Expecting> de::Deserialize<'de> for Ids<E> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let outer = <Spanned<OneOrList<E>> as de::Deserialize>::deserialize(d)?;
        let ids = match outer.value.0 {
            Ok(value) => vec![Spanned {
                span: outer.span,
                value,
            }],
            Err(list) => list,
        };
        Ok(Ids(ids, std::marker::PhantomData))
    }
}

impl<E: Expecting> schemars::JsonSchema for Ids<E> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        E::NAME.into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut list = serde_json::json!({ "type": "array", "items": { "type": "string" } });
        if let Some(n) = E::MIN_ITEMS {
            list["minItems"] = n.into();
        }
        schemars::json_schema!({
            "description": E::DESCRIPTION,
            "anyOf": [{ "type": "string" }, list]
        })
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Hands a [`Spanned`] its node's place, then the node itself.
struct SpannedAccess<'a> {
    de: NodeDe<'a>,
    step: u8,
}

impl<'a> MapAccess<'a> for SpannedAccess<'a> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let key = match self.step {
            0 => "span",
            1 => "value",
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<T::Value, DeError> {
        self.step += 1;
        if self.step == 1 {
            let s = self.de.node.span;
            let parts = [s.file.0, s.line, s.col, s.end_line, s.end_col];
            seed.deserialize(de::value::SeqDeserializer::new(parts.into_iter()))
        } else {
            seed.deserialize(self.de)
        }
    }
}
