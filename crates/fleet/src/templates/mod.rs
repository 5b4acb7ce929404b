//! Drafts and the template library, with local metadata (changelog, screenshots, ext schema,
//! requirements) kept beside WeChat's.
//!
//! WeChat is the truth for what exists (reference §7): [`Fleet::sync_templates`] copies the draft
//! box and the library into local tables; a template WeChat no longer lists is marked gone, never
//! forgotten (commits in the history name it), and its metadata survives every sync. Every call
//! goes through [`Fleet::with_component_token`]; every change is in the audit log.

mod library;
pub mod meta;
mod prune;

use serde::Serialize;
use wechat::api::template::{AddtotemplateRequest, DeletetemplateRequest, GettemplatelistRequest, TemplateType};
use wechat::api::ComponentToken;

use crate::error::{FleetError, Result};
use crate::Fleet;

pub use library::{find, require_template};
pub use meta::{RequiredCategory, Requirements, Screenshot, TemplateMeta};
pub use prune::{in_use, PrunePlan, LIBRARY_CAP};

/// A draft in the platform's draft box (an upload from DevTools), as last synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Draft {
    /// The platform.
    pub component_appid: String,
    /// `draft_id`, for [`Fleet::add_draft_to_template`].
    pub draft_id: i64,
    /// `user_version` typed in DevTools.
    pub user_version: String,
    /// `user_desc` typed in DevTools.
    pub user_desc: String,
    /// `create_time`: the upload (unix seconds).
    pub create_time: i64,
    /// The development mini program it came from.
    pub source_miniprogram_appid: Option<String>,
    /// That mini program's name.
    pub source_miniprogram: Option<String>,
    /// Who uploaded it.
    pub developer: Option<String>,
    /// When it was last synced (unix ms).
    pub synced_at: i64,
}

/// A template of the platform's library, as last synced, with what is known locally about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    /// The platform.
    pub component_appid: String,
    /// `template_id`, for `wxa/commit`.
    pub template_id: i64,
    /// `template_type`: 0 ordinary, 1 standard (its `ext_json` limited to `extAppid`, `ext`, `window`).
    pub template_type: i64,
    /// `user_version`.
    pub user_version: String,
    /// `user_desc`.
    pub user_desc: String,
    /// `create_time`: when its draft was uploaded (unix seconds).
    pub create_time: i64,
    /// The draft it was made from.
    pub draft_id: Option<i64>,
    /// The development mini program it came from.
    pub source_miniprogram_appid: Option<String>,
    /// That mini program's name.
    pub source_miniprogram: Option<String>,
    /// Who uploaded it.
    pub developer: Option<String>,
    /// Standard templates: `audit_status`.
    pub audit_status: Option<i64>,
    /// Standard templates: why the audit was rejected.
    pub reason: Option<String>,
    /// Standard templates: `category_list`, as WeChat sent it.
    pub category_list: serde_json::Value,
    /// When a sync first found it (unix ms).
    pub first_seen_at: i64,
    /// When a sync last found it (unix ms).
    pub synced_at: i64,
    /// When it was found gone from WeChat's library (deleted here or elsewhere), unix ms.
    pub gone_at: Option<i64>,
    /// Local metadata was set ([`Fleet::template_meta`]).
    pub has_meta: bool,
    /// The metadata has an ext schema.
    pub has_ext_schema: bool,
    /// Some mini program's latest commit was made from it ([`in_use`]).
    pub in_use: bool,
}

impl Template {
    /// A standard template (标准模板): `ext_json` may only hold `extAppid`, `ext` and `window`.
    pub fn is_standard(&self) -> bool {
        self.template_type == 1
    }
}

/// What a sync found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateSync {
    /// Drafts in the draft box.
    pub drafts: usize,
    /// Templates in the library.
    pub templates: usize,
    /// Templates not known before this sync.
    pub added: Vec<i64>,
    /// Templates no longer in WeChat's library: marked gone.
    pub gone: Vec<i64>,
}

impl Fleet {
    /// Copies the platform's draft box (`gettemplatedraftlist`) and template library
    /// (`gettemplatelist`) into the workspace. Local metadata is kept; templates WeChat no longer
    /// lists are marked gone.
    pub async fn sync_templates(&self, component_appid: &str) -> Result<TemplateSync> {
        let (drafts, templates) = self
            .with_component_token(component_appid, |api, cat| async move {
                let drafts = api.gettemplatedraftlist(ComponentToken(&cat)).await?;
                let templates = api.gettemplatelist(ComponentToken(&cat), &GettemplatelistRequest::default()).await?;
                Ok((drafts.draft_list, templates.template_list))
            })
            .await?;
        let (platform, now) = (component_appid.to_owned(), self.now_ms());
        self.store().write(move |tx| library::apply_sync(tx, &platform, &drafts, &templates, now)).await
    }

    /// The platform's drafts as last synced, newest first.
    pub async fn drafts(&self, component_appid: &str) -> Result<Vec<Draft>> {
        let platform = component_appid.to_owned();
        self.store().read(move |conn| library::drafts(conn, &platform)).await
    }

    /// Every template of the platform as last synced (gone ones too, with `gone_at`), newest first.
    pub async fn templates(&self, component_appid: &str) -> Result<Vec<Template>> {
        let platform = component_appid.to_owned();
        self.store().read(move |conn| library::templates(conn, &platform)).await
    }

    /// One template as last synced.
    pub async fn template(&self, component_appid: &str, template_id: i64) -> Result<Template> {
        let platform = component_appid.to_owned();
        self.store().read(move |conn| library::require_template(conn, &platform, template_id)).await
    }

    /// Adds draft `draft_id` to the library as an ordinary template (`addtotemplate`), re-syncs,
    /// and returns the new template (found by the draft's `user_version` and `create_time`).
    /// 85065 means the library is full: [`Fleet::prune_templates`] first.
    pub async fn add_draft_to_template(&self, component_appid: &str, draft_id: i64) -> Result<Template> {
        self.add_draft_to_template_as(component_appid, draft_id, TemplateType::Normal).await
    }

    /// [`Fleet::add_draft_to_template`] with the kind of template to make (standard templates are
    /// being retired by WeChat in favour of ordinary ones).
    pub async fn add_draft_to_template_as(&self, component_appid: &str, draft_id: i64, template_type: TemplateType) -> Result<Template> {
        let outcome = self.add_draft(component_appid, draft_id, template_type).await;
        let detail = match &outcome {
            Ok(t) => format!("{component_appid}: draft {draft_id} → template {} ({})", t.template_id, t.user_version),
            Err(_) => format!("{component_appid}: draft {draft_id}"),
        };
        self.record("template.add", &[], &outcome, &detail).await;
        outcome
    }

    async fn add_draft(&self, component_appid: &str, draft_id: i64, template_type: TemplateType) -> Result<Template> {
        // The draft as WeChat has it now, and the library before: the new template is the one that
        // was not there, made from this draft's upload.
        self.sync_templates(component_appid).await?;
        let platform = component_appid.to_owned();
        let (draft, known) = self
            .store()
            .read(move |conn| {
                let draft = library::draft(conn, &platform, draft_id)?;
                let known: Vec<i64> = library::templates(conn, &platform)?.into_iter().map(|t| t.template_id).collect();
                Ok((draft, known))
            })
            .await?;
        let draft = draft.ok_or_else(|| {
            FleetError::not_found(format!(
                "draft {draft_id} in the draft box of {component_appid} (the box keeps only the latest upload of each development mini program; sync and pick one listed)"
            ))
        })?;
        let template_type = (template_type != TemplateType::Normal).then_some(template_type);
        self.with_component_token(component_appid, |api, cat| async move {
            api.addtotemplate(ComponentToken(&cat), &AddtotemplateRequest { draft_id, template_type }).await
        })
        .await?;
        self.sync_templates(component_appid).await?;
        let templates = self.templates(component_appid).await?;
        let fresh = |t: &&Template| t.gone_at.is_none() && !known.contains(&t.template_id);
        templates
            .iter()
            .filter(fresh)
            .filter(|t| t.user_version == draft.user_version && t.create_time == draft.create_time)
            .chain(templates.iter().filter(fresh).filter(|t| t.draft_id == Some(draft_id)))
            .max_by_key(|t| t.template_id)
            .cloned()
            .ok_or_else(|| {
                FleetError::Conflict(format!(
                    "draft {draft_id} was added to the library, but no new template with user_version {} appeared; sync again and look for it",
                    draft.user_version
                ))
            })
    }

    /// Deletes a template from WeChat's library (`deletetemplate`) and marks it gone here; its
    /// metadata and the history naming it stay. Deleting one already gone (85064) counts as done.
    /// Mini programs already committed from it keep their code.
    pub async fn delete_template(&self, component_appid: &str, template_id: i64) -> Result<()> {
        let outcome = self.delete_one(component_appid, template_id).await;
        self.record("template.delete", &[], &outcome, &format!("{component_appid}: template {template_id}")).await;
        outcome
    }

    async fn delete_one(&self, component_appid: &str, template_id: i64) -> Result<()> {
        let deleted = self
            .with_component_token(component_appid, |api, cat| async move {
                api.deletetemplate(ComponentToken(&cat), &DeletetemplateRequest { template_id }).await
            })
            .await;
        match deleted {
            Ok(()) => {}
            Err(e) if e.errcode() == Some(85064) => {}
            Err(e) => return Err(e),
        }
        let (platform, now) = (component_appid.to_owned(), self.now_ms());
        self.store().write(move |tx| library::mark_gone(tx, &platform, template_id, now)).await
    }

    /// Deletes the oldest templates no mini program runs until at most `keep` remain in WeChat's
    /// library (at most [`LIBRARY_CAP`]). Never deleted: templates in use ([`in_use`]), those in
    /// `protect` (a campaign's template), and the newest. Syncs first; with `dry_run`, only says
    /// what would go.
    pub async fn prune_templates(&self, component_appid: &str, keep: usize, protect: &[i64], dry_run: bool) -> Result<PrunePlan> {
        if keep == 0 {
            return Err(FleetError::invalid("keep", "keep at least 1 template (the newest is never deleted)"));
        }
        self.sync_templates(component_appid).await?;
        let (platform, protect) = (component_appid.to_owned(), protect.to_vec());
        let mut plan = self
            .store()
            .read(move |conn| {
                let templates = library::templates(conn, &platform)?;
                Ok(prune::plan(&platform, &templates, keep, &in_use(conn)?, &protect))
            })
            .await?;
        plan.dry_run = dry_run;
        if dry_run {
            return Ok(plan);
        }
        for template in &plan.delete {
            self.delete_template(component_appid, template.template_id).await?;
        }
        let ids: Vec<String> = plan.delete.iter().map(|t| t.template_id.to_string()).collect();
        let detail = format!("{component_appid}: keep {keep}, deleted [{}], short by {}", ids.join(", "), plan.short_by);
        self.record("template.prune", &[], &Ok::<(), FleetError>(()), &detail).await;
        Ok(plan)
    }

    /// The template's local metadata (empty when none was set).
    pub async fn template_meta(&self, component_appid: &str, template_id: i64) -> Result<TemplateMeta> {
        let platform = component_appid.to_owned();
        self.store()
            .read(move |conn| {
                library::require_template(conn, &platform, template_id)?;
                Ok(meta::load(conn, &platform, template_id)?.unwrap_or_default())
            })
            .await
    }

    /// Replaces the template's local metadata. The ext schema must compile as a JSON Schema (every
    /// problem is listed); domains must carry their scheme. Returns what was stored (tidied).
    pub async fn set_template_meta(&self, component_appid: &str, template_id: i64, meta: TemplateMeta) -> Result<TemplateMeta> {
        let outcome = self.store_meta(component_appid, template_id, meta).await;
        self.record("template.meta", &[], &outcome, &format!("{component_appid}: template {template_id}")).await;
        outcome
    }

    async fn store_meta(&self, component_appid: &str, template_id: i64, meta: TemplateMeta) -> Result<TemplateMeta> {
        let meta = meta::check(meta)?;
        let (platform, actor, now) = (component_appid.to_owned(), self.actor().to_owned(), self.now_ms());
        self.store()
            .write(move |tx| {
                library::require_template(tx, &platform, template_id)?;
                meta::save(tx, &platform, template_id, &meta, &actor, now)?;
                Ok(meta)
            })
            .await
    }
}
