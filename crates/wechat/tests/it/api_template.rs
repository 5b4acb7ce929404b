//! Code templates (reference §7) against recorded exchanges.

use wechat::api::template::{AddtotemplateRequest, DeletetemplateRequest, GettemplatelistRequest, TemplateAuditStatus, TemplateType};
use wechat::{ComponentToken, Error, ErrorClass};

use crate::fixture;

const CAT: ComponentToken<'static> = ComponentToken("CAT");

#[tokio::test]
async fn gettemplatedraftlist_decodes_the_drafts() {
    let (client, server) = fixture::serve("template/gettemplatedraftlist").await;
    let answer = client.gettemplatedraftlist(CAT).await.unwrap();
    assert_eq!(answer.draft_list.len(), 2);
    let draft = &answer.draft_list[1];
    assert_eq!(draft.draft_id, 4);
    assert_eq!(draft.create_time, 1504790906);
    assert_eq!(draft.user_version, "11");
    assert_eq!(draft.user_desc, "111111");
    assert_eq!(draft.source_miniprogram_appid.as_deref(), Some("wx6XXXXXXXXXXXXXXX"));
    assert_eq!(draft.source_miniprogram.as_deref(), Some("LXXXXX"));
    assert_eq!(draft.developer.as_deref(), Some("XXX"));
    server.finish();
}

#[tokio::test]
async fn addtotemplate_sends_draft_id_and_type() {
    let (client, server) = fixture::serve("template/addtotemplate").await;
    client.addtotemplate(CAT, &AddtotemplateRequest { draft_id: 4, template_type: Some(TemplateType::Standard) }).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn gettemplatelist_filters_by_type_in_the_query() {
    let (client, server) = fixture::serve("template/gettemplatelist").await;
    let answer = client.gettemplatelist(CAT, &GettemplatelistRequest { template_type: Some(TemplateType::Standard) }).await.unwrap();
    assert_eq!(answer.template_list.len(), 2);
    let standard = &answer.template_list[0];
    assert_eq!(standard.template_id, 47);
    assert_eq!(standard.template_type, Some(TemplateType::Standard));
    assert_eq!(standard.audit_status, Some(TemplateAuditStatus::Rejected));
    assert_eq!(standard.audit_scene, Some(0));
    assert_eq!(standard.category_list.len(), 1);
    assert_eq!(standard.category_list[0].first_class.as_deref(), Some("工具"));
    assert_eq!(standard.category_list[0].second_id, Some(616));
    assert_eq!(standard.category_list[0].third_id, None);
    let second = &answer.template_list[1];
    assert_eq!(second.template_id, 48);
    assert_eq!(second.audit_status, None);
    assert!(second.category_list.is_empty());
    server.finish();
}

#[tokio::test]
async fn gettemplatelist_without_type_sends_no_filter() {
    let (client, server) = fixture::serve("template/gettemplatelist_all").await;
    let answer = client.gettemplatelist(CAT, &GettemplatelistRequest::default()).await.unwrap();
    assert_eq!(answer.template_list.len(), 1);
    assert_eq!(answer.template_list[0].template_id, 0);
    assert_eq!(answer.template_list[0].draft_id, Some(0));
    assert_eq!(answer.template_list[0].template_type, Some(TemplateType::Normal));
    server.finish();
}

#[tokio::test]
async fn deletetemplate_sends_the_template_id() {
    let (client, server) = fixture::serve("template/deletetemplate").await;
    client.deletetemplate(CAT, &DeletetemplateRequest { template_id: 48 }).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn deletetemplate_of_a_missing_template_is_85064() {
    let (client, server) = fixture::serve("template/deletetemplate_85064").await;
    let err = client.deletetemplate(CAT, &DeletetemplateRequest { template_id: 999 }).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, 85064);
    assert_eq!(api.path, "/wxa/deletetemplate");
    assert_eq!(err.class(), ErrorClass::Final);
    server.finish();
}

#[test]
fn template_type_keeps_unknown_values() {
    assert_eq!(serde_json::from_str::<TemplateType>("7").unwrap(), TemplateType::Other(7));
    assert_eq!(serde_json::to_string(&TemplateType::Other(7)).unwrap(), "7");
    assert_eq!(serde_json::to_string(&TemplateType::Standard).unwrap(), "1");
}
