//! Arguments several commands share.

use clap::Args;
use fleet::{Fleet, FleetError, Result};

/// `--platform`: optional when the workspace has exactly one.
#[derive(Args, Clone)]
pub struct PlatformArg {
    /// The component appid (optional when the workspace has one platform).
    #[arg(long, global = true)]
    pub platform: Option<String>,
}

impl PlatformArg {
    /// The platform named, or the only one.
    pub async fn resolve(&self, fleet: &Fleet) -> Result<String> {
        if let Some(platform) = &self.platform {
            return Ok(platform.clone());
        }
        let platforms = fleet.platforms().await?;
        match platforms.as_slice() {
            [only] => Ok(only.component_appid.clone()),
            [] => {
                Err(FleetError::invalid("--platform", "the workspace has no platform yet: `wxfleet platform add …` or `wxfleet sandbox`"))
            }
            _ => Err(FleetError::invalid(
                "--platform",
                format!(
                    "the workspace has {} platforms; name one: {}",
                    platforms.len(),
                    platforms.iter().map(|p| p.component_appid.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
}

/// Reads a JSON document from a file, or from standard input for `-`.
pub fn read_json(path: &std::path::Path) -> Result<serde_json::Value> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| FleetError::Io(format!("reading standard input: {e}")))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| FleetError::Io(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| FleetError::invalid(path.display().to_string(), format!("not JSON: {e}")))
}
