//! Fast registration of enterprise and personal mini programs.

use wechat::api::register::{
    FastregisterpersonalweappCreateRequest, FastregisterpersonalweappQueryRequest, FastregisterweappCreateRequest,
    FastregisterweappSearchRequest,
};
use wechat::{ComponentToken, Error, ErrorClass};

use crate::fixture;

const CAT: ComponentToken<'static> = ComponentToken("COMPONENT_ACCESS_TOKEN");

fn company() -> FastregisterweappCreateRequest {
    FastregisterweappCreateRequest {
        name: "tencent".into(),
        code: "123".into(),
        code_type: 1,
        legal_persona_wechat: "123".into(),
        legal_persona_name: "candy".into(),
        component_phone: None,
    }
}

#[tokio::test]
async fn fastregisterweapp_create() {
    let (client, server) = fixture::serve("register/fastregisterweapp_create").await;
    let req = FastregisterweappCreateRequest { component_phone: Some("1234567".into()), ..company() };
    let result = client.fastregisterweapp_create(CAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn fastregisterweapp_create_system_busy_is_transient() {
    let (client, server) = fixture::serve("register/fastregisterweapp_create_busy").await;
    let result = client.fastregisterweapp_create(CAT, &company()).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, -1);
    assert_eq!(e.path, "/cgi-bin/component/fastregisterweapp");
    assert_eq!(e.class(), ErrorClass::Transient);
}

#[tokio::test]
async fn fastregisterweapp_search() {
    let (client, server) = fixture::serve("register/fastregisterweapp_search").await;
    let req =
        FastregisterweappSearchRequest { name: "tencent".into(), legal_persona_wechat: "123".into(), legal_persona_name: "candy".into() };
    let result = client.fastregisterweapp_search(CAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn fastregisterpersonalweapp_create() {
    let (client, server) = fixture::serve("register/fastregisterpersonalweapp_create").await;
    let req = FastregisterpersonalweappCreateRequest {
        idname: "tencent".into(),
        wxuser: "wxuser".into(),
        component_phone: Some("1234567".into()),
        new_version: None,
    };
    let result = client.fastregisterpersonalweapp_create(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.taskid, "wxa_personal_task_1");
    assert_eq!(resp.authorize_url.as_deref(), Some("https://mp.weixin.qq.com/wxopen/personalauth?taskid=wxa_personal_task_1"));
    assert_eq!(resp.status, Some(0));
}

#[tokio::test]
async fn fastregisterpersonalweapp_query() {
    let (client, server) = fixture::serve("register/fastregisterpersonalweapp_query").await;
    let req = FastregisterpersonalweappQueryRequest { taskid: "wxa_personal_task_1".into(), new_version: None };
    let result = client.fastregisterpersonalweapp_query(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.taskid, "wxa_personal_task_1");
    assert_eq!(resp.status, Some(1));
}
