//! Support granted to trainees, their outcomes, the federations' yearly targets and the region
//! report that sets the year's actuals against them.
//!
//! Supports and outcomes follow their trainee's scope (staff who govern the trainee's base
//! write them; instructors never see them). Targets and reports belong to federations: an
//! ADMIN sets and reads them for its region and the regions below it.

pub mod export;
pub mod indicators;
mod support;
mod target;

pub use indicators::{
    CategoryCount, IndicatorProgress, RegionReport, children_reports, region_report, reports_of,
};
pub use support::{
    NewOutcome, NewSupport, grant_support, outcomes_of, record_outcome, supports_of,
};
pub use target::{NewTarget, set_target};
