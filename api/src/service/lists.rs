//! Lists of values kept in join tables, one row per (owner, value): a trainee's interests, a
//! base's focus areas (next: a course's accessibility features, a product's tags). A join
//! table makes "owners with any of these values" an index lookup, which a comma-joined text
//! column cannot be.
//!
//! A new list is an entity with the primary key `(owner, value)` (migration:
//! `migration::lists::create_list_table`, which also indexes `(value, owner)`) and an
//! implementation of [`ListTable`]; then:
//!
//! ```ignore
//! lists::insert::<trainee_interest::Entity>(txn, [(trainee_id, interests)]).await?;   // create
//! lists::replace::<trainee_interest::Entity>(txn, trainee_id, &interests).await?;     // update
//! select.filter(lists::any_of::<trainee_interest::Entity>(trainee::Column::Id, &wanted)); // filter
//! ListLoader<trainee_interest::Entity>                                                 // read
//! ```

use std::collections::HashMap;
use std::hash::Hash;

use entity::{TrainingCategory, base_focus_area, trainee_interest};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Iterable,
    QueryFilter,
};
use uuid::Uuid;

/// A join table listing values per owner.
pub trait ListTable: EntityTrait {
    /// The listed value (an enum stored as text, or a string).
    type Value: Clone + Eq + Hash + Into<sea_orm::Value> + Send + Sync + 'static;
    /// The column referring to the owner.
    const OWNER: Self::Column;
    /// The value column.
    const VALUE: Self::Column;

    /// The row listing `value` for `owner`.
    fn row(owner: Uuid, value: Self::Value) -> Self::ActiveModel;
    /// The owner and value of a row.
    fn entry(row: Self::Model) -> (Uuid, Self::Value);
    /// The order one owner's values are shown in (default: as read).
    fn sort(_values: &mut [Self::Value]) {}
}

/// Enum values are shown in the enum's declaration order.
fn enum_order<T: Iterable + PartialEq>(values: &mut [T]) {
    values.sort_by_key(|v| T::iter().position(|x| x == *v));
}

impl ListTable for trainee_interest::Entity {
    type Value = TrainingCategory;
    const OWNER: trainee_interest::Column = trainee_interest::Column::TraineeId;
    const VALUE: trainee_interest::Column = trainee_interest::Column::Category;

    fn row(owner: Uuid, value: TrainingCategory) -> trainee_interest::ActiveModel {
        trainee_interest::ActiveModel {
            trainee_id: Set(owner),
            category: Set(value),
        }
    }

    fn entry(row: trainee_interest::Model) -> (Uuid, TrainingCategory) {
        (row.trainee_id, row.category)
    }

    fn sort(values: &mut [TrainingCategory]) {
        enum_order(values);
    }
}

impl ListTable for base_focus_area::Entity {
    type Value = TrainingCategory;
    const OWNER: base_focus_area::Column = base_focus_area::Column::BaseId;
    const VALUE: base_focus_area::Column = base_focus_area::Column::Category;

    fn row(owner: Uuid, value: TrainingCategory) -> base_focus_area::ActiveModel {
        base_focus_area::ActiveModel {
            base_id: Set(owner),
            category: Set(value),
        }
    }

    fn entry(row: base_focus_area::Model) -> (Uuid, TrainingCategory) {
        (row.base_id, row.category)
    }

    fn sort(values: &mut [TrainingCategory]) {
        enum_order(values);
    }
}

/// Rows per INSERT: well under both databases' bind-parameter limits.
const INSERT_BATCH: usize = 1000;

/// The lists of many owners, in one statement. Owners without values are absent.
pub async fn load<L: ListTable>(
    db: &impl ConnectionTrait,
    owners: &[Uuid],
) -> Result<HashMap<Uuid, Vec<L::Value>>, DbErr> {
    let rows = L::find()
        .filter(L::OWNER.is_in(owners.iter().copied()))
        .all(db)
        .await?;
    let mut lists: HashMap<Uuid, Vec<L::Value>> = HashMap::new();
    for row in rows {
        let (owner, value) = L::entry(row);
        lists.entry(owner).or_default().push(value);
    }
    for values in lists.values_mut() {
        L::sort(values);
    }
    Ok(lists)
}

/// Lists values for new owners (duplicates within a list count once), in batches.
pub async fn insert<L: ListTable>(
    db: &impl ConnectionTrait,
    lists: impl IntoIterator<Item = (Uuid, Vec<L::Value>)>,
) -> Result<(), DbErr> {
    let mut rows = Vec::new();
    for (owner, values) in lists {
        let mut seen = Vec::with_capacity(values.len());
        for value in values {
            if !seen.contains(&value) {
                seen.push(value.clone());
                rows.push(L::row(owner, value));
            }
        }
    }
    for chunk in rows.chunks(INSERT_BATCH) {
        L::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Replaces an owner's list.
pub async fn replace<L: ListTable>(
    db: &impl ConnectionTrait,
    owner: Uuid,
    values: &[L::Value],
) -> Result<(), DbErr> {
    L::delete_many().filter(L::OWNER.eq(owner)).exec(db).await?;
    insert::<L>(db, [(owner, values.to_vec())]).await
}

/// Owners (by their id column `owner_id`) listing any of `values`: a semi-join on the list's
/// `(value, owner)` index. An empty `values` matches no owner.
pub fn any_of<L: ListTable>(owner_id: impl ColumnTrait, values: &[L::Value]) -> Condition {
    let owners = Query::select()
        .column(L::OWNER)
        .from(L::default())
        .and_where(L::VALUE.is_in(values.iter().cloned()))
        .to_owned();
    Condition::all().add(owner_id.in_subquery(owners))
}
