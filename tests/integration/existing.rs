//! Existing hosted zones and certificates (`existing:`), named where archgen
//! takes a zone or a certificate, per environment through overlays.

use crate::support::*;

const DEV_CERT: &str =
    "arn:aws:acm:ap-northeast-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const PROD_CERT: &str =
    "arn:aws:acm:ap-northeast-1:123456789012:certificate/99999999-8888-7777-6666-555555555555";

fn spec(lb_certificate: &str, zone: &str) -> String {
    VALID.replace(
        "load_balancer:\n  name: demo-alb\n",
        &format!(
            "load_balancer:\n  name: demo-alb\n  certificate: {lb_certificate}\n\
             existing:\n  api-cert: {{ certificate: '{DEV_CERT}' }}\n  zone: {{ hosted_zone: Z0123456789EXAMPLE }}\n\
             dns:\n  zones:\n    example.com: {zone}\n  records:\n    api.example.com: {{ load_balancer: true }}\n"
        ),
    )
    .replace(
        "  prod: {}\n",
        &format!("  prod:\n    existing:\n      api-cert: {{ certificate: '{PROD_CERT}' }}\n"),
    )
}

#[test]
fn an_existing_certificate_and_zone_are_used_by_key_per_environment() {
    let p = TempProject::new(&spec("{ existing: api-cert }", "{ existing: zone }"));
    for (env, arn) in [("dev", DEV_CERT), ("prod", PROD_CERT)] {
        let t = template_json(&p.synth(env).unwrap(), "main");
        let listeners = resources_of(&t, "AWS::ElasticLoadBalancingV2::Listener");
        let https = listeners
            .iter()
            .find(|(_, l)| l["Properties"]["Port"] == 443)
            .expect("an HTTPS listener");
        assert_eq!(
            https.1["Properties"]["Certificates"][0]["CertificateArn"], arn,
            "{env}"
        );
        // Nothing is created for them.
        assert!(resources_of(&t, "AWS::CertificateManager::Certificate").is_empty());
        let records = resources_of(&t, "AWS::Route53::RecordSet");
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0].1["Properties"]["HostedZoneId"],
            "Z0123456789EXAMPLE"
        );
    }
}

#[test]
fn a_certificate_requested_in_an_existing_zone_is_validated_there() {
    let p = TempProject::new(&spec(
        "{ domain: api.example.com, hosted_zone: zone }",
        "{ existing: zone }",
    ));
    let t = template_json(&p.synth("prod").unwrap(), "main");
    let certs = resources_of(&t, "AWS::CertificateManager::Certificate");
    assert_eq!(certs.len(), 1);
    assert_eq!(
        certs[0].1["Properties"]["DomainValidationOptions"][0]["HostedZoneId"],
        "Z0123456789EXAMPLE"
    );
}

#[test]
fn a_wrong_reference_to_an_existing_zone_or_certificate_fails_at_its_line() {
    for (certificate, zone, code, expected, line) in [
        (
            "{ existing: api-crt }",
            "{ existing: zone }",
            "EXT003",
            "did you mean 'api-cert'?",
            20,
        ),
        (
            "{ existing: zone }",
            "{ existing: zone }",
            "EXT003",
            "there is no existing certificate 'zone'",
            20,
        ),
        (
            "{ existing: api-cert }",
            "{ existing: api-cert }",
            "EXT003",
            "there is no existing hosted_zone 'api-cert'",
            26,
        ),
        (
            "{ existing: api-cert, arn: x }",
            "{ existing: zone }",
            "EXT004",
            "the certificate is given twice",
            20,
        ),
        (
            "{ existing: api-cert }",
            "{ existing: zone, id: Z0123456789EXAMPLE }",
            "EXT004",
            "the hosted_zone is given twice",
            26,
        ),
    ] {
        let p = TempProject::new(&spec(certificate, zone));
        let (exit, err) = p.synth_prod_cli();
        assert_eq!(exit, Some(1), "{err}");
        assert!(
            err.contains(&format!("error[{code}]")),
            "{certificate} {zone}: {err}"
        );
        assert!(err.contains(expected), "{certificate} {zone}: {err}");
        assert!(
            err.contains(&format!("main.yaml:{line}:")),
            "{certificate} {zone}: {err}"
        );
    }
    // The value is checked as a certificate ARN, and against the region.
    let p = TempProject::new(
        &spec("{ existing: api-cert }", "{ existing: zone }").replace(
            DEV_CERT,
            "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
        ),
    );
    let (exit, err) = p.synth_prod_cli();
    assert_eq!(exit, Some(1), "{err}");
    assert!(err.contains("error[APP031]"), "{err}");
    let p = TempProject::new(
        &spec("{ existing: api-cert }", "{ existing: zone }")
            .replace(DEV_CERT, "arn:aws:sns:ap-northeast-1:123456789012:x"),
    );
    let (exit, err) = p.synth_prod_cli();
    assert_eq!(exit, Some(1), "{err}");
    assert!(
        err.contains("error[EXT002]") && err.contains("existing.api-cert.certificate"),
        "{err}"
    );
}
