//! Categories: the settable tree, the set ones, changes, and the approved ones for audits.

use wechat::api::category::{AddcategoryRequest, Certicate, DeletecategoryRequest, ModifycategoryRequest, NewCategory};
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN");

#[tokio::test]
async fn getallcategories() {
    let (client, server) = fixture::serve("category/getallcategories").await;
    let result = client.getallcategories(AAT).await;
    server.finish();
    let nodes = result.unwrap().categories_list.categories;
    assert_eq!(nodes.len(), 3);
    let root = &nodes[0];
    assert_eq!((root.id, root.name.as_deref(), root.children.as_slice()), (0, None, &[1, 402][..]));
    assert_eq!(nodes[1].name.as_deref(), Some("快递业与邮政"));
    assert_eq!((nodes[1].level, nodes[1].father, nodes[1].sensitive_type), (Some(1), Some(0), Some(0)));
    let lawyer = &nodes[2];
    assert_eq!(lawyer.sensitive_type, Some(1));
    let qualify = lawyer.qualify.as_ref().unwrap();
    assert_eq!(qualify.exter_list.len(), 2);
    assert_eq!(qualify.exter_list[0].inner_list[0].name, "律师执业许可证");
    assert_eq!(qualify.exter_list[1].inner_list[1].name, "司法局批文");
    assert_eq!(qualify.remark, "需提供其中一项");
}

#[tokio::test]
async fn getcategory() {
    let (client, server) = fixture::serve("category/getcategory").await;
    let result = client.getcategory(AAT).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.categories.len(), 2);
    let first = &resp.categories[0];
    assert_eq!((first.first, first.first_name.as_str(), first.second, first.second_name.as_str()), (2, "教育", 3, "出国 留学"));
    assert_eq!(first.audit_status, Some(1));
    assert_eq!(resp.categories[1].audit_status, Some(3));
    assert_eq!((resp.limit, resp.quota, resp.category_limit), (1, 4, 20));
}

#[tokio::test]
async fn getcategory_with_an_expired_token_is_a_token_error() {
    let (client, server) = fixture::serve("category/getcategory_42001").await;
    let result = client.getcategory(AAT).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 42001);
    assert_eq!(e.class(), ErrorClass::TokenInvalid);
}

#[tokio::test]
async fn addcategory_sends_certicates_as_the_doc_spells_it() {
    let (client, server) = fixture::serve("category/addcategory").await;
    let req = AddcategoryRequest {
        categories: vec![
            NewCategory { first: 8, second: 39, certicates: vec![Certicate { key: "xxxx".into(), value: "media_id_xxxx".into() }] },
            NewCategory { first: 1, second: 2, certicates: vec![] },
        ],
    };
    let result = client.addcategory(AAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn deletecategory() {
    let (client, server) = fixture::serve("category/deletecategory").await;
    let result = client.deletecategory(AAT, &DeletecategoryRequest { first: 1, second: 2 }).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn modifycategory() {
    let (client, server) = fixture::serve("category/modifycategory").await;
    let req =
        ModifycategoryRequest {
            first: 8, second: 39, certicates: vec![Certicate { key: "资质名称".into(), value: "media_id".into() }]
        };
    let result = client.modifycategory(AAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn get_category() {
    let (client, server) = fixture::serve("category/get_category").await;
    let result = client.get_category(AAT).await;
    server.finish();
    let list = result.unwrap().category_list;
    assert_eq!(list.len(), 2);
    assert_eq!((list[0].first_class.as_str(), list[0].second_class.as_str(), list[0].third_class.as_deref()), ("工具", "备忘录", None));
    assert_eq!((list[0].first_id, list[0].second_id, list[0].third_id), (1, 2, None));
    assert_eq!(list[1].third_class.as_deref(), Some("高等"));
    assert_eq!(list[1].third_id, Some(5));
}
