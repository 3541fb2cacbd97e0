//! Refuses control characters in every string an operation brings in, before any resolver
//! sees it: PostgreSQL cannot store NUL at all (it would fail as an internal error), and the
//! others have no business in names, codes or search terms. Tab, line feed and carriage
//! return stay allowed for free text.

use async_graphql::parser::types::{
    ExecutableDocument, Field, Selection, SelectionSet, VariableDefinition,
};
use async_graphql::{ErrorExtensionValues, Pos, Positioned, ServerError};
use async_graphql_value::{ConstValue, Value};

/// Most errors reported for one request; the first already tells what to fix.
const MAX_ERRORS: usize = 10;

/// Whether `c` is refused: C0 controls except tab, LF and CR, DEL, and C1 controls.
pub fn refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Errors for every string literal in the document (arguments, directive arguments,
/// variable defaults) and every string in `variables` that holds a refused character.
pub fn check(
    document: &ExecutableDocument,
    variables: &async_graphql::Variables,
) -> Vec<ServerError> {
    let mut scan = Scan::default();
    for (name, value) in variables.iter() {
        scan.const_value(
            value,
            &mut vec!["variables".to_owned(), name.to_string()],
            None,
        );
    }
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            scan.variable_default(definition);
        }
        scan.selection_set(&operation.node.selection_set.node);
    }
    for fragment in document.fragments.values() {
        scan.selection_set(&fragment.node.selection_set.node);
    }
    scan.errors
}

#[derive(Default)]
struct Scan {
    errors: Vec<ServerError>,
}

impl Scan {
    fn variable_default(&mut self, definition: &Positioned<VariableDefinition>) {
        if let Some(default) = &definition.node.default_value {
            let name = format!("${}", definition.node.name.node);
            self.const_value(&default.node, &mut vec![name], Some(default.pos));
        }
    }

    fn selection_set(&mut self, set: &SelectionSet) {
        for selection in &set.items {
            for directive in selection.node.directives() {
                let directive = &directive.node;
                let owner = format!("@{}", directive.name.node);
                for (name, value) in &directive.arguments {
                    self.value(
                        &value.node,
                        &mut vec![name.node.to_string()],
                        &owner,
                        value.pos,
                    );
                }
            }
            match &selection.node {
                Selection::Field(field) => self.field(&field.node),
                Selection::FragmentSpread(_) => {}
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set.node)
                }
            }
        }
    }

    fn field(&mut self, field: &Field) {
        let owner = field.name.node.to_string();
        for (name, value) in &field.arguments {
            self.value(
                &value.node,
                &mut vec![name.node.to_string()],
                &owner,
                value.pos,
            );
        }
        self.selection_set(&field.selection_set.node);
    }

    /// A literal argument of `owner` (a field or a directive).
    fn value(&mut self, value: &Value, path: &mut Vec<String>, owner: &str, pos: Pos) {
        match value {
            Value::String(text) => {
                if let Some(c) = text.chars().find(|c| refused(*c)) {
                    self.refuse(
                        format!(
                            "`{owner}` 的参数 `{}` 含有不允许的控制字符 U+{:04X}",
                            path.join("."),
                            u32::from(c)
                        ),
                        path,
                        Some(pos),
                    );
                }
            }
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    self.value(item, path, owner, pos);
                    path.pop();
                }
            }
            Value::Object(fields) => {
                for (name, item) in fields {
                    path.push(name.to_string());
                    self.value(item, path, owner, pos);
                    path.pop();
                }
            }
            Value::Variable(_)
            | Value::Null
            | Value::Number(_)
            | Value::Boolean(_)
            | Value::Binary(_)
            | Value::Enum(_) => {}
        }
    }

    /// A variable's value or default.
    fn const_value(&mut self, value: &ConstValue, path: &mut Vec<String>, pos: Option<Pos>) {
        match value {
            ConstValue::String(text) => {
                if let Some(c) = text.chars().find(|c| refused(*c)) {
                    self.refuse(
                        format!(
                            "变量 `{}` 含有不允许的控制字符 U+{:04X}",
                            path.join("."),
                            u32::from(c)
                        ),
                        path,
                        pos,
                    );
                }
            }
            ConstValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    self.const_value(item, path, pos);
                    path.pop();
                }
            }
            ConstValue::Object(fields) => {
                for (name, item) in fields {
                    path.push(name.to_string());
                    self.const_value(item, path, pos);
                    path.pop();
                }
            }
            ConstValue::Null
            | ConstValue::Number(_)
            | ConstValue::Boolean(_)
            | ConstValue::Binary(_)
            | ConstValue::Enum(_) => {}
        }
    }

    fn refuse(&mut self, message: String, path: &[String], pos: Option<Pos>) {
        if self.errors.len() >= MAX_ERRORS {
            return;
        }
        let mut error = ServerError::new(message, pos);
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", "BAD_USER_INPUT");
        extensions.set(
            "field",
            ConstValue::List(path.iter().map(|p| ConstValue::String(p.clone())).collect()),
        );
        error.extensions = Some(extensions);
        self.errors.push(error);
    }
}
