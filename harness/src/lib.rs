pub mod scenario;
pub mod db;
pub mod migrate;
