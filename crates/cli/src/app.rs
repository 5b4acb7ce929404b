//! `wxfleet app …`: one mini program's settings — categories, domains, privacy, testers, codes,
//! payment. Each action is checked against the permission sets the merchant granted first.

use std::path::PathBuf;

use clap::Subcommand;
use fleet::apps::domains::{DomainChange, DomainMode};
use fleet::apps::payment::PaymentInput;
use fleet::apps::privacy::PrivacyTemplate;
use fleet::{Fleet, FleetError, Result};
use wechat::api::category::NewCategory;

use crate::args::read_json;
use crate::output::Output;

/// Mini program commands.
#[derive(Subcommand)]
pub enum AppCommand {
    /// Basic info: name, avatar, signature, with their change quotas.
    Info {
        /// The mini program.
        appid: String,
    },
    /// Categories: approved and under review; or add one (`--add FIRST:SECOND`, ids from WeChat's category list).
    Categories {
        /// The mini program.
        appid: String,
        /// Add this category (first-level id : second-level id).
        #[arg(long, value_parser = parse_category)]
        add: Option<(i64, i64)>,
    },
    /// Server domains: show, or change with a JSON file ({"action": "add|delete|set", "domains": {"requestdomain": [...]}}).
    Domains {
        /// The mini programs (a change applies to each; results per mini program).
        #[arg(required = true)]
        appids: Vec<String>,
        /// The change to apply.
        #[arg(long)]
        set: Option<PathBuf>,
        /// Without platform registration (modify_domain_directly).
        #[arg(long)]
        direct: bool,
    },
    /// Save a privacy-guide template (JSON: name, owner_setting, setting_list) and apply it to mini programs.
    Privacy {
        /// The template file.
        #[arg(long)]
        template: PathBuf,
        /// The mini programs to apply it to.
        appids: Vec<String>,
    },
    /// Bind a tester (a WeChat id), or list them.
    Testers {
        /// The mini program.
        appid: String,
        /// Bind this WeChat id.
        #[arg(long)]
        bind: Option<String>,
    },
    /// The trial version's QR code, written to a file.
    ExperienceQr {
        /// The mini program.
        appid: String,
        /// The page and query to open (`pages/index/index?x=1`).
        #[arg(long)]
        path: Option<String>,
        /// Where to write the image.
        #[arg(long)]
        out: PathBuf,
    },
    /// Payment configuration: merchant id, API key and the p12 certificate (stored as secrets).
    Payment {
        /// The mini program.
        appid: String,
        /// The merchant id (商户号) to set.
        #[arg(long, requires = "key")]
        mchid: Option<String>,
        /// The API key.
        #[arg(long, env = "WXFLEET_PAY_KEY", hide_env_values = true)]
        key: Option<String>,
        /// The apiclient_cert.p12 file.
        #[arg(long)]
        p12: Option<PathBuf>,
    },
}

impl AppCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            AppCommand::Info { appid } => {
                let info = fleet.basic_info(&appid).await?;
                out.show(&info, |i| serde_json::to_string_pretty(i).unwrap_or_default());
            }
            AppCommand::Categories { appid, add } => {
                if let Some((first, second)) = add {
                    fleet.add_categories(&appid, vec![NewCategory { first, second, certicates: Vec::new() }]).await?;
                }
                let categories = fleet.categories(&appid).await?;
                out.show(&categories, |c| serde_json::to_string_pretty(c).unwrap_or_default());
            }
            AppCommand::Domains { appids, set, direct } => {
                let mode = if direct { DomainMode::Direct } else { DomainMode::Registered };
                match set {
                    None => {
                        let mut all = Vec::new();
                        for appid in &appids {
                            let domains = fleet.app_domains(appid, mode).await?;
                            let quota = fleet.domain_quota(appid).await?;
                            all.push(serde_json::json!({ "appid": appid, "domains": domains, "quota": quota }));
                        }
                        out.show(&all, |all| serde_json::to_string_pretty(all).unwrap_or_default());
                    }
                    Some(file) => {
                        let change: DomainChange = serde_json::from_value(read_json(&file)?)
                            .map_err(|e| FleetError::invalid(file.display().to_string(), e.to_string()))?;
                        let report = fleet.apply_app_domains(&appids, mode, &change).await?;
                        out.show(&report, |r| {
                            batch_text(r.succeeded, r.failed, r.results.iter().map(|a| (a.appid.as_str(), a.error.as_ref())))
                        });
                    }
                }
            }
            AppCommand::Privacy { template, appids } => {
                let template: PrivacyTemplate = serde_json::from_value(read_json(&template)?)
                    .map_err(|e| FleetError::invalid(template.display().to_string(), e.to_string()))?;
                let saved = fleet.save_privacy_template(template).await?;
                let report = fleet.apply_privacy_template(&saved.name, &appids).await?;
                out.show(&report, |r| batch_text(r.succeeded, r.failed, r.results.iter().map(|a| (a.appid.as_str(), a.error.as_ref()))));
            }
            AppCommand::Testers { appid, bind } => {
                if let Some(wechatid) = bind {
                    let userstr = fleet.bind_tester(&appid, &wechatid).await?;
                    out.show(&serde_json::json!({ "userstr": userstr }), |_| format!("bound {wechatid} ({userstr})"));
                } else {
                    let testers = fleet.testers(&appid).await?;
                    out.show(&testers, |t| t.join("\n"));
                }
            }
            AppCommand::ExperienceQr { appid, path, out: file } => {
                let image = fleet.experience_qr(&appid, path.as_deref()).await?;
                std::fs::write(&file, &image.bytes).map_err(|e| FleetError::Io(format!("cannot write {}: {e}", file.display())))?;
                out.show(&serde_json::json!({ "file": file, "content_type": image.content_type, "bytes": image.bytes.len() }), |_| {
                    format!("wrote {} ({}, {} bytes)", file.display(), image.content_type, image.bytes.len())
                });
            }
            AppCommand::Payment { appid, mchid, key, p12 } => {
                let view = match mchid {
                    Some(mchid) => {
                        let p12 = match p12 {
                            Some(path) => {
                                Some(std::fs::read(&path).map_err(|e| FleetError::Io(format!("cannot read {}: {e}", path.display())))?)
                            }
                            None => None,
                        };
                        Some(fleet.set_payment_config(&appid, PaymentInput { mchid, key, p12 }).await?)
                    }
                    None => fleet.payment_config(&appid).await?,
                };
                out.show(&view, |v| match v {
                    Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
                    None => format!("{appid} has no payment configuration"),
                });
            }
        }
        Ok(())
    }
}

fn parse_category(text: &str) -> std::result::Result<(i64, i64), String> {
    let (first, second) = text.split_once(':').ok_or("FIRST:SECOND, e.g. 287:290")?;
    Ok((
        first.trim().parse().map_err(|_| "the first-level id is a number")?,
        second.trim().parse().map_err(|_| "the second-level id is a number")?,
    ))
}

fn batch_text<'a>(succeeded: u32, failed: u32, results: impl Iterator<Item = (&'a str, Option<&'a fleet::Problem>)>) -> String {
    let mut text = String::new();
    for (appid, error) in results {
        match error {
            None => text += &format!("{appid}  ok\n"),
            Some(problem) => text += &format!("{appid}  FAILED  {}\n", problem.message),
        }
    }
    text + &format!("{succeeded} ok, {failed} failed")
}
