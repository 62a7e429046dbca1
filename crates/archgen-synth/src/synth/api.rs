//! L2 API builder: an HTTP API with a Cognito JWT authorizer, routes to the
//! load balancer (through a VPC link) or to functions, and a `$default`
//! stage with access logs and throttling.

use std::collections::BTreeMap;

use super::Ctx;
use super::app::alb::LB_SG;
use super::app::rules;
use super::identity::{client_id, pool_id};
use super::logs::retained_log_group;
use super::messaging::function::function_id;
use super::naming::pascal;
use crate::spec::api::{ApiSpec, LOAD_BALANCER};
use crate::spec::network::TierKind;
use crate::template::apigatewayv2::*;
use crate::template::ec2::{EgressRule, SecurityGroup};
use crate::template::{Expr, Output, Template};

const API: &str = "Api";
const VPC_LINK: &str = "ApiVpcLink";
const VPC_LINK_SG: &str = "ApiVpcLinkSecurityGroup";

/// The access log line: one JSON object per request.
const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error"}"#;

pub fn build(t: &mut Template, ctx: &Ctx) {
    let Some(api) = &ctx.spec.api else { return };
    let tags: BTreeMap<String, String> = ctx
        .spec
        .tags
        .clone()
        .into_iter()
        .chain([("Name".to_string(), ctx.names.physical("api"))])
        .collect();
    t.add(
        API,
        Api {
            name: ctx.names.physical("api"),
            protocol_type: "HTTP".into(),
            description: api.description.clone(),
            cors_configuration: api.cors.as_ref().map(|c| Cors {
                allow_origins: c.origins.clone(),
                allow_methods: c.methods.clone(),
                allow_headers: (!c.headers.is_empty()).then(|| c.headers.clone()),
                max_age: c.max_age,
            }),
            tags: tags.clone(),
        },
    );
    let authorizer = api.authorizer.as_ref().map(|a| {
        t.add(
            "ApiAuthorizer",
            Authorizer {
                api_id: Expr::r#ref(API),
                name: format!("{}-jwt", ctx.names.physical("api")),
                authorizer_type: "JWT".into(),
                identity_source: vec!["$request.header.Authorization".into()],
                jwt_configuration: JwtConfiguration {
                    audience: a
                        .clients
                        .iter()
                        .map(|c| Expr::r#ref(client_id(&a.user_pool, c)))
                        .collect(),
                    issuer: Expr::sub(format!(
                        "https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{}}}",
                        pool_id(&a.user_pool)
                    )),
                },
            },
        );
        Expr::r#ref("ApiAuthorizer")
    });

    for (name, route) in &api.routes {
        let integration = if route.target == LOAD_BALANCER {
            load_balancer_integration(t, ctx, api)
        } else {
            function_integration(t, &route.target)
        };
        let Some(integration) = integration else {
            continue;
        };
        let r = t.add(
            format!("Api{}Route", pascal(name)),
            Route {
                api_id: Expr::r#ref(API),
                route_key: route.key.clone(),
                target: Expr::sub(format!("integrations/${{{integration}}}")),
                authorization_type: if route.auth { "JWT" } else { "NONE" }.into(),
                authorizer_id: authorizer.clone().filter(|_| route.auth),
            },
        );
        if !route.auth {
            r.skip_check(
                "CKV_AWS_309",
                &format!("a public route by choice of the spec (api.routes.{name}.auth: false)"),
            );
        }
    }

    retained_log_group(
        t,
        "ApiAccessLogs",
        None,
        api.log_retention_days,
        "api.log_retention_days",
        ctx.named("api"),
    );
    t.add(
        "ApiStage",
        Stage {
            api_id: Expr::r#ref(API),
            stage_name: "$default".into(),
            auto_deploy: true,
            access_log_settings: AccessLogSettings {
                destination_arn: Expr::get_att("ApiAccessLogs", "Arn"),
                format: ACCESS_LOG_FORMAT.into(),
            },
            default_route_settings: RouteSettings {
                detailed_metrics_enabled: true,
                throttling_burst_limit: api.throttling.burst,
                throttling_rate_limit: f64::from(api.throttling.rate),
            },
            tags,
        },
    );
    t.output(
        "ApiUrl",
        Output {
            description: "Invoke URL of the HTTP API".into(),
            value: Expr::get_att(API, "ApiEndpoint"),
            export: None,
        },
    );
}

/// One VPC link and one integration serve every route to the load
/// balancer; the link's group may reach the listener port and nothing else.
fn load_balancer_integration(t: &mut Template, ctx: &Ctx, api: &ApiSpec) -> Option<String> {
    const ID: &str = "ApiLoadBalancerIntegration";
    if t.resources.contains_key(ID) {
        return Some(ID.into());
    }
    let lb = ctx.spec.load_balancer.as_ref()?;
    let net = ctx.network.as_ref()?;
    let https = lb.certificate.is_some();
    t.add(
        VPC_LINK_SG,
        SecurityGroup {
            group_description: "API Gateway VPC link: to the load balancer listener only".into(),
            vpc_id: net.vpc_id.clone(),
            security_group_ingress: None,
            security_group_egress: Some(vec![EgressRule::deny_all()]),
            tags: ctx.named("api-vpc-link"),
        },
    );
    rules::allow(
        t,
        "api",
        VPC_LINK_SG,
        "load-balancer",
        LB_SG,
        if https { 443 } else { 80 },
        "API Gateway to load balancer",
    );
    t.add(
        VPC_LINK,
        VpcLink {
            name: ctx.names.physical("api"),
            subnet_ids: net.subnets_in(
                api.tier.as_deref(),
                &[TierKind::Private, TierKind::Isolated],
            ),
            security_group_ids: vec![Expr::r#ref(VPC_LINK_SG)],
            tags: BTreeMap::from([("Name".to_string(), ctx.names.physical("api-vpc-link"))]),
        },
    );
    t.add(
        ID,
        Integration {
            api_id: Expr::r#ref(API),
            integration_type: "HTTP_PROXY".into(),
            integration_uri: Expr::r#ref(if https {
                "HttpsListener"
            } else {
                "HttpListener"
            }),
            integration_method: Some("ANY".into()),
            connection_type: Some("VPC_LINK".into()),
            connection_id: Some(Expr::r#ref(VPC_LINK)),
            payload_format_version: "1.0".into(),
            // HTTPS to the listener: verify its certificate's name.
            tls_config: lb
                .certificate
                .as_ref()
                .and_then(|c| c.domain.clone())
                .map(|d| TlsConfig {
                    server_name_to_verify: d,
                }),
        },
    );
    Some(ID.into())
}

fn function_integration(t: &mut Template, function: &str) -> Option<String> {
    let id = format!("Api{}Integration", pascal(function));
    if t.resources.contains_key(&id) {
        return Some(id);
    }
    let fn_id = function_id(function);
    t.add(
        &id,
        Integration {
            api_id: Expr::r#ref(API),
            integration_type: "AWS_PROXY".into(),
            integration_uri: Expr::get_att(&fn_id, "Arn"),
            integration_method: None,
            connection_type: None,
            connection_id: None,
            payload_format_version: "2.0".into(),
            tls_config: None,
        },
    );
    // API Gateway may invoke the function, from this API only.
    t.add(
        format!("Api{}Permission", pascal(function)),
        LambdaPermission {
            action: "lambda:InvokeFunction".into(),
            function_name: Expr::r#ref(&fn_id),
            principal: "apigateway.amazonaws.com".into(),
            source_arn: Expr::sub(format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{API}}}/*")),
        },
    );
    Some(id)
}
