//! L2 API builder: an HTTP API with a Cognito JWT authorizer, routes to the
//! load balancer (through a VPC link) or to functions, and a `$default`
//! stage with access logs and throttling.

use std::collections::BTreeMap;

use super::Ctx;
use super::app::alb::LB_SG;
use super::app::{origin_verify, rules};
use super::identity::{client_id, pool_id};
use super::logs::retained_log_group;
use super::messaging::function::function_id;
use crate::naming::pascal;
use crate::spec::api::{ApiSpec, LOAD_BALANCER};
use crate::spec::app::Ingress;
use crate::spec::network::TierKind;
use crate::template::apigatewayv2::api::Cors;
use crate::template::apigatewayv2::authorizer::JwtConfiguration;
use crate::template::apigatewayv2::integration::TlsConfig;
use crate::template::apigatewayv2::stage::{AccessLogSettings, RouteSettings};
use crate::template::apigatewayv2::{Api, Authorizer, Integration, Route, Stage, VpcLink};
use crate::template::ec2::SecurityGroup;
use crate::template::ec2::security_group::Egress;
use crate::template::lambda::Permission;
use crate::template::{Expr, Output, Template};

const API: &str = "Api";
const VPC_LINK: &str = "ApiVpcLink";
const VPC_LINK_SG: &str = "ApiVpcLinkSecurityGroup";

/// The access log line: one JSON object per request.
const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error"}"#;

pub fn build(t: &mut Template, ctx: &Ctx) {
    let Some(api) = &ctx.spec.api else { return };
    let tags: BTreeMap<String, Expr> = ctx
        .spec
        .tags
        .clone()
        .into_iter()
        .chain([("Name".to_string(), ctx.names.physical("api"))])
        .map(|(k, v)| (k, v.into()))
        .collect();
    t.add(
        API,
        Api {
            name: Some(ctx.names.physical("api").into()),
            protocol_type: Some("HTTP".into()),
            description: api.description.clone().map(Expr::from),
            cors_configuration: api.cors.as_ref().map(|c| Cors {
                allow_origins: Some(c.origins.iter().map(Expr::from).collect()),
                allow_methods: Some(c.methods.iter().map(Expr::from).collect()),
                allow_headers: (!c.headers.is_empty())
                    .then(|| c.headers.iter().map(Expr::from).collect()),
                max_age: c.max_age.map(Expr::from),
                ..Default::default()
            }),
            tags: Some(tags.clone()),
            ..Default::default()
        },
    );
    let authorizer = api.authorizer.as_ref().map(|a| {
        t.add(
            "ApiAuthorizer",
            Authorizer {
                api_id: Expr::r#ref(API),
                name: format!("{}-jwt", ctx.names.physical("api")).into(),
                authorizer_type: "JWT".into(),
                identity_source: Some(vec!["$request.header.Authorization".into()]),
                jwt_configuration: Some(JwtConfiguration {
                    audience: Some(
                        a.clients
                            .iter()
                            .map(|c| Expr::r#ref(client_id(&a.user_pool, c)))
                            .collect(),
                    ),
                    issuer: Some(Expr::sub(format!(
                        "https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{}}}",
                        pool_id(&a.user_pool)
                    ))),
                }),
                ..Default::default()
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
            // `check` requires a load balancer and a network for such a route.
            ctx.bug(format!(
                "api route {name} targets the load balancer, which the stack lacks"
            ));
            continue;
        };
        let r = t.add(
            format!("Api{}Route", pascal(name)),
            Route {
                api_id: Expr::r#ref(API),
                route_key: route.key.clone().into(),
                target: Some(Expr::sub(format!("integrations/${{{integration}}}"))),
                authorization_type: Some(if route.auth { "JWT" } else { "NONE" }.into()),
                authorizer_id: authorizer.clone().filter(|_| route.auth),
                ..Default::default()
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
            auto_deploy: Some(true.into()),
            access_log_settings: Some(AccessLogSettings {
                destination_arn: Some(Expr::get_att("ApiAccessLogs", "Arn")),
                format: Some(ACCESS_LOG_FORMAT.into()),
            }),
            default_route_settings: Some(RouteSettings {
                detailed_metrics_enabled: Some(true.into()),
                throttling_burst_limit: Some(api.throttling.burst.into()),
                throttling_rate_limit: Some(f64::from(api.throttling.rate).into()),
                ..Default::default()
            }),
            tags: Some(tags),
            ..Default::default()
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
            vpc_id: Some(net.vpc_id.clone()),
            security_group_egress: Some(vec![Egress::deny_all()]),
            tags: Some(ctx.named("api-vpc-link")),
            ..Default::default()
        },
    );
    rules::allow(
        t,
        "api",
        VPC_LINK_SG,
        "load-balancer",
        Expr::get_att(LB_SG, "GroupId"),
        if https { 443 } else { 80 },
        "API Gateway to load balancer",
    );
    t.add(
        VPC_LINK,
        VpcLink {
            name: ctx.names.physical("api").into(),
            subnet_ids: net.subnets_in(
                api.tier.as_deref(),
                &[TierKind::Private, TierKind::Isolated],
            ),
            security_group_ids: Some(vec![Expr::r#ref(VPC_LINK_SG)]),
            tags: Some(BTreeMap::from([(
                "Name".to_string(),
                ctx.names.physical("api-vpc-link").into(),
            )])),
        },
    );
    t.add(
        ID,
        Integration {
            api_id: Expr::r#ref(API),
            integration_type: "HTTP_PROXY".into(),
            integration_uri: Some(Expr::r#ref(if https {
                "HttpsListener"
            } else {
                "HttpListener"
            })),
            integration_method: Some("ANY".into()),
            connection_type: Some("VPC_LINK".into()),
            connection_id: Some(Expr::r#ref(VPC_LINK)),
            payload_format_version: Some("1.0".into()),
            // Behind CloudFront the listener requires the origin-verify
            // header; the API is the other way in that the spec allows.
            request_parameters: (lb.ingress == Ingress::Cloudfront).then(|| {
                BTreeMap::from([(
                    format!("overwrite:header.{}", origin_verify::HEADER),
                    origin_verify::value(),
                )])
            }),
            // HTTPS to the listener: verify its certificate's name.
            tls_config: lb
                .certificate
                .as_ref()
                .and_then(|c| c.domain.clone())
                .map(|d| TlsConfig {
                    server_name_to_verify: Some(d.into()),
                }),
            ..Default::default()
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
            integration_uri: Some(Expr::get_att(&fn_id, "Arn")),
            payload_format_version: Some("2.0".into()),
            ..Default::default()
        },
    );
    // API Gateway may invoke the function, from this API only.
    t.add(
        format!("Api{}Permission", pascal(function)),
        Permission {
            action: "lambda:InvokeFunction".into(),
            function_name: Expr::r#ref(&fn_id),
            principal: "apigateway.amazonaws.com".into(),
            source_arn: Some(Expr::sub(format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{API}}}/*"))),
            ..Default::default()
        },
    );
    Some(id)
}
