//! The shape limits of an operation, measured on the parsed document before async-graphql
//! validates and runs it: depth, introspection's own depth, complexity, aliases, root fields,
//! directives and the nesting of selection sets.
//!
//! async-graphql's own depth and complexity limits are not used: its depth counts the
//! standard introspection query (15 levels) against the query depth, and its refusals carry
//! no code, only an English message. Measuring here also covers every transport (HTTP and
//! WebSocket) without a schema extension, which would route every field's resolution
//! through the extension chain.

use std::collections::HashMap;

use async_graphql::Variables;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType,
    Selection, SelectionSet, ServiceDocument, TypeKind, TypeSystemDefinition,
};
use async_graphql_value::{ConstValue, Value};

use crate::config::Config;
use crate::graphql::common::pagination::cost;

/// Introspection fields that lead from a type to a list of further types; graphql-js
/// (`MaxIntrospectionDepthRule`) refuses a third level of them, and so do we: nothing
/// legitimate needs it and each level multiplies the answer by the number of types.
const INTROSPECTION_LISTS: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];
const MAX_INTROSPECTION_LISTS: usize = 2;
/// Fields one introspection operation may select, fragments counted where they are used.
/// The standard introspection query selects about 200.
const MAX_INTROSPECTION_FIELDS: usize = 2_000;
/// Directives on one selection, as `limit_directives` on the schema.
pub const MAX_DIRECTIVES: usize = 16;

/// The configured limits.
#[derive(Debug, Clone)]
pub struct Limits {
    pub depth: usize,
    pub introspection_depth: usize,
    pub complexity: usize,
    pub aliases: usize,
    pub root_fields: usize,
    /// Nesting of selection sets, fragments included, as async-graphql's
    /// `limit_recursive_depth` counts it; set on the schema too, so both agree.
    pub recursion: usize,
}

impl Limits {
    /// The limits of `config`.
    pub fn new(config: &Config) -> Self {
        Limits {
            depth: config.max_query_depth,
            introspection_depth: config.max_introspection_depth,
            complexity: config.max_query_complexity,
            aliases: config.max_aliases,
            root_fields: config.max_root_fields,
            recursion: recursion_limit(config),
        }
    }
}

/// How deep selection sets may nest, fragments included: room for four levels of fragments
/// per field level of the deeper of the two depth limits.
pub fn recursion_limit(config: &Config) -> usize {
    config
        .max_query_depth
        .max(config.max_introspection_depth)
        .saturating_mul(4)
}

/// What the analysis needs to know of one field of the schema.
#[derive(Debug)]
struct FieldShape {
    /// The named type it returns, lists and non-null stripped.
    ty: String,
    /// Whether it is a paged list (takes `first`): it costs its page size times its selection.
    paged: bool,
}

/// The object types of the schema, by name, with their fields.
#[derive(Debug, Default)]
pub struct Shapes {
    types: HashMap<String, HashMap<String, FieldShape>>,
    query: String,
    mutation: String,
    subscription: String,
}

impl Shapes {
    /// Reads the shapes from the schema's SDL.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut shapes = Shapes {
            query: "Query".to_owned(),
            mutation: "Mutation".to_owned(),
            subscription: "Subscription".to_owned(),
            ..Shapes::default()
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return shapes;
        };
        shapes.read(&document);
        shapes
    }

    fn read(&mut self, document: &ServiceDocument) {
        for definition in &document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = &schema.node;
                    for (root, name) in [
                        (&mut self.query, &schema.query),
                        (&mut self.mutation, &schema.mutation),
                        (&mut self.subscription, &schema.subscription),
                    ] {
                        if let Some(name) = name {
                            *root = name.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let definition = &definition.node;
                    let fields = match &definition.kind {
                        TypeKind::Object(object) => &object.fields,
                        TypeKind::Interface(interface) => &interface.fields,
                        _ => continue,
                    };
                    let fields = fields
                        .iter()
                        .map(|field| {
                            let field = &field.node;
                            let mut ty = &field.ty.node;
                            while let BaseType::List(inner) = &ty.base {
                                ty = inner;
                            }
                            let shape = FieldShape {
                                ty: ty.base.to_string(),
                                paged: field.arguments.iter().any(|a| a.node.name.node == "first"),
                            };
                            (field.name.node.to_string(), shape)
                        })
                        .collect();
                    self.types.insert(definition.name.node.to_string(), fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
    }

    fn field(&self, parent: &str, name: &str) -> Option<&FieldShape> {
        self.types.get(parent)?.get(name)
    }
}

/// Why an operation was refused; the message is for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

/// Measures the operation `operation_name` selects (documents that select none are left to
/// async-graphql's validation, which reports them).
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    shapes: &Shapes,
    limits: &Limits,
) -> Result<(), Refusal> {
    let Some(operation) = selected(document, operation_name) else {
        return Ok(());
    };
    let root = match operation.ty {
        OperationType::Query => &shapes.query,
        OperationType::Mutation => &shapes.mutation,
        OperationType::Subscription => &shapes.subscription,
    };
    let mut walk = Walk {
        document,
        shapes,
        variables,
        limits,
        fields: 0,
        introspection_fields: 0,
        aliases: 0,
        root_fields: 0,
        fragments: Vec::new(),
    };
    let complexity = walk.selection_set(
        &operation.selection_set.node,
        Some(root),
        Place::Regular { depth: 0 },
        0,
    )?;
    if complexity > limits.complexity {
        return Err(too_complex(limits));
    }
    Ok(())
}

fn selected<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|o| &o.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| &o.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn too_complex(limits: &Limits) -> Refusal {
    Refusal(format!(
        "查询过于复杂：复杂度最多为 {}（每个字段计 1，分页列表按 first 乘以其所选内容计算）",
        limits.complexity
    ))
}

/// Where a selection is: in the operation proper, or inside `__schema`/`__type`.
#[derive(Debug, Clone, Copy)]
enum Place {
    Regular { depth: usize },
    Introspection { depth: usize, lists: usize },
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    shapes: &'a Shapes,
    variables: &'a Variables,
    limits: &'a Limits,
    fields: usize,
    introspection_fields: usize,
    aliases: usize,
    root_fields: usize,
    /// The fragments being expanded, to stop at cycles (validation reports them).
    fragments: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    /// The complexity of a selection set; `nesting` counts selection sets and fragments.
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        parent: Option<&'a str>,
        place: Place,
        nesting: usize,
    ) -> Result<usize, Refusal> {
        if nesting > self.limits.recursion {
            return Err(Refusal(format!(
                "查询嵌套过深：选择集（含片段）最多嵌套 {} 层",
                self.limits.recursion
            )));
        }
        let mut total = 0usize;
        for selection in &set.items {
            if selection.node.directives().len() > MAX_DIRECTIVES {
                return Err(Refusal(format!(
                    "指令过多：每个选择最多 {MAX_DIRECTIVES} 个"
                )));
            }
            let cost = match &selection.node {
                Selection::Field(field) => self.field(&field.node, parent, place, nesting)?,
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    if self.fragments.contains(&name) {
                        continue;
                    }
                    self.fragments.push(name);
                    let cost = self.selection_set(
                        &fragment.node.selection_set.node,
                        Some(fragment.node.type_condition.node.on.node.as_str()),
                        place,
                        nesting + 1,
                    );
                    self.fragments.pop();
                    cost?
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let parent = match &inline.type_condition {
                        Some(condition) => Some(condition.node.on.node.as_str()),
                        None => parent,
                    };
                    self.selection_set(&inline.selection_set.node, parent, place, nesting + 1)?
                }
            };
            total = total.saturating_add(cost);
        }
        Ok(total)
    }

    fn field(
        &mut self,
        field: &'a Field,
        parent: Option<&'a str>,
        place: Place,
        nesting: usize,
    ) -> Result<usize, Refusal> {
        let limits = self.limits;
        if field.alias.is_some() {
            self.aliases += 1;
            if self.aliases > limits.aliases {
                return Err(Refusal(format!(
                    "别名过多：一个操作最多 {} 个",
                    limits.aliases
                )));
            }
        }
        let name = field.name.node.as_str();
        let place = match place {
            Place::Regular { depth } => {
                if depth == 0 {
                    self.root_fields += 1;
                    if self.root_fields > limits.root_fields {
                        return Err(Refusal(format!(
                            "顶层字段过多：一个操作最多 {} 个",
                            limits.root_fields
                        )));
                    }
                }
                if name == "__schema" || name == "__type" {
                    Place::Introspection { depth: 1, lists: 0 }
                } else {
                    Place::Regular { depth: depth + 1 }
                }
            }
            Place::Introspection { depth, lists } => Place::Introspection {
                depth: depth + 1,
                lists: lists + usize::from(INTROSPECTION_LISTS.contains(&name)),
            },
        };
        match place {
            Place::Regular { depth } => {
                if depth > limits.depth {
                    return Err(Refusal(format!("查询嵌套过深：最多 {} 层", limits.depth)));
                }
                // Every field costs at least 1, so counting them bounds the walk through
                // fragments used many times before the total is known.
                self.fields += 1;
                if self.fields > limits.complexity {
                    return Err(too_complex(limits));
                }
            }
            Place::Introspection { depth, lists } => {
                if depth > limits.introspection_depth {
                    return Err(Refusal(format!(
                        "内省查询嵌套过深：__schema 和 __type 内最多 {} 层",
                        limits.introspection_depth
                    )));
                }
                if lists > MAX_INTROSPECTION_LISTS {
                    return Err(Refusal(format!(
                        "内省查询嵌套过深：fields、inputFields、interfaces、possibleTypes 最多嵌套 {MAX_INTROSPECTION_LISTS} 层"
                    )));
                }
                self.introspection_fields += 1;
                if self.introspection_fields > MAX_INTROSPECTION_FIELDS {
                    return Err(Refusal(format!(
                        "内省查询过大：最多选择 {MAX_INTROSPECTION_FIELDS} 个字段"
                    )));
                }
            }
        }
        let shape = parent.and_then(|p| self.shapes.field(p, name));
        let children = if field.selection_set.node.items.is_empty() {
            0
        } else {
            self.selection_set(
                &field.selection_set.node,
                shape.map(|s| s.ty.as_str()),
                place,
                nesting + 1,
            )?
        };
        Ok(match (place, shape) {
            // Introspection is bounded by its own limits above, not by the complexity.
            (Place::Introspection { .. }, _) => 0,
            (Place::Regular { .. }, Some(shape)) if shape.paged => cost(
                self.int_argument(field, "first"),
                self.int_argument(field, "last"),
                children,
            ),
            (Place::Regular { .. }, _) => children.saturating_add(1),
        })
    }

    /// An `Int` argument given literally or through a variable.
    fn int_argument(&self, field: &Field, name: &str) -> Option<i32> {
        let value = field.get_argument(name)?;
        let number = match &value.node {
            Value::Variable(variable) => match self.variables.get(variable) {
                Some(ConstValue::Number(n)) => n.as_i64(),
                _ => None,
            },
            Value::Number(n) => n.as_i64(),
            _ => None,
        }?;
        i32::try_from(number).ok()
    }
}
