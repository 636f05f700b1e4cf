//! TEMPORARY stand-in until the real pattern parser lands.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPattern(pub String);
#[derive(Debug, Clone, PartialEq)]
pub struct PatternError(String);
impl std::fmt::Display for PatternError { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { f.write_str(&self.0) } }
impl std::str::FromStr for PlanPattern { type Err = PatternError; fn from_str(s: &str) -> Result<Self, PatternError> { Ok(PlanPattern(s.into())) } }
impl std::fmt::Display for PlanPattern { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { f.write_str(&self.0) } }
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanExpectation { pub must: Vec<PlanPattern>, pub must_not: Vec<PlanPattern>, pub max_rows_removed_by_filter: Option<f64>, pub max_shared_blocks: Option<f64> }
