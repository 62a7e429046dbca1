//! `tables:` (DynamoDB): safe defaults, grants per access level, retention,
//! alarms and checks, as a user of the table kind would verify them.

use crate::support::*;
use serde_json::{Value, json};

const TABLES: &str = "\
keys:
  data: {}
tables:
  orders:
    partition_key: { name: customer_id, type: string }
    sort_key: { name: created_at, type: number }
    kms_key: data
    ttl_attribute: expires_at
  sessions:
    partition_key: { name: id, type: binary }
";

/// [`VALID`] with the tables above and `web` connected as `connection`.
fn with_tables(connection: &str) -> String {
    VALID
        .replace("environments:", &format!("{TABLES}environments:"))
        .replace(
            "    connects_to: [worker]\n",
            &format!("    connects_to: [worker, {connection}]\n"),
        )
}

fn web_grants(t: &Value) -> Vec<Value> {
    t["Resources"]["WebTaskRole"]["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap().clone())
        .collect()
}

fn actions(statements: &[Value]) -> Vec<String> {
    statements
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_table_is_on_demand_encrypted_recoverable_protected_and_retained() {
    let s = TempProject::new(&with_tables("orders"))
        .synth("prod")
        .unwrap();
    let t = template_json(&s, "main");
    let orders = &t["Resources"]["OrdersTable"];
    assert_eq!(orders["Type"], "AWS::DynamoDB::Table");
    assert_eq!(orders["DeletionPolicy"], "Retain");
    assert_eq!(orders["UpdateReplacePolicy"], "Retain");
    let p = &orders["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(p["DeletionProtectionEnabled"], true);
    assert_eq!(
        p["KeySchema"],
        json!([
            {"AttributeName": "customer_id", "KeyType": "HASH"},
            {"AttributeName": "created_at", "KeyType": "RANGE"}
        ])
    );
    assert_eq!(
        p["AttributeDefinitions"],
        json!([
            {"AttributeName": "customer_id", "AttributeType": "S"},
            {"AttributeName": "created_at", "AttributeType": "N"}
        ])
    );
    assert_eq!(
        p["SSESpecification"],
        json!({"SSEEnabled": true, "SSEType": "KMS",
               "KMSMasterKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]}})
    );
    assert_eq!(
        p["PointInTimeRecoverySpecification"],
        json!({"PointInTimeRecoveryEnabled": true})
    );
    assert_eq!(
        p["TimeToLiveSpecification"],
        json!({"AttributeName": "expires_at", "Enabled": true})
    );
    // No key named: KMS with the AWS-managed key, and checkov's CMK rule is
    // skipped with the reason and the field that changes it.
    let sessions = &t["Resources"]["SessionsTable"];
    assert_eq!(
        sessions["Properties"]["SSESpecification"],
        json!({"SSEEnabled": true, "SSEType": "KMS"})
    );
    let skips = sessions["Metadata"]["checkov"]["skip"].to_string();
    assert!(
        skips.contains("CKV_AWS_119") && skips.contains("tables.sessions.kms_key"),
        "{skips}"
    );
}

#[test]
fn read_access_grants_item_reads_on_the_table_and_its_indexes_and_nothing_else() {
    let s = TempProject::new(&with_tables("orders:read"))
        .synth("prod")
        .unwrap();
    let t = template_json(&s, "main");
    let grants = web_grants(&t);
    let table: Vec<Value> = grants
        .iter()
        .filter(|s| s["Action"].to_string().contains("dynamodb:"))
        .cloned()
        .collect();
    assert_eq!(
        actions(&table),
        [
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan"
        ]
    );
    assert_eq!(
        table[0]["Resource"],
        json!([
            {"Fn::GetAtt": ["OrdersTable", "Arn"]},
            {"Fn::Sub": "${OrdersTable.Arn}/index/*"}
        ])
    );
    let kms: Vec<&Value> = grants
        .iter()
        .filter(|s| s["Action"].to_string().contains("kms:"))
        .collect();
    assert_eq!(kms.len(), 1);
    assert_eq!(kms[0]["Action"], json!(["kms:Decrypt", "kms:DescribeKey"]));
    assert_eq!(
        kms[0]["Resource"],
        json!([{"Fn::GetAtt": ["DataKey", "Arn"]}])
    );
    // Where the table is, never how to get in.
    let env =
        t["Resources"]["WebTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Environment"]
            .clone();
    assert!(
        env.as_array()
            .unwrap()
            .contains(&json!({"Name": "ORDERS_TABLE_NAME", "Value": {"Ref": "OrdersTable"}})),
        "{env}"
    );
    // The table is reached over HTTPS, not through a security group rule.
    assert!(
        resources_of(&t, "AWS::EC2::SecurityGroupIngress")
            .iter()
            .all(|(id, _)| !id.starts_with("Orders"))
    );
}

#[test]
fn write_access_grants_item_writes_and_no_reads() {
    let t = template_json(
        &TempProject::new(&with_tables("orders:write"))
            .synth("prod")
            .unwrap(),
        "main",
    );
    let all = actions(&web_grants(&t));
    for write in [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    ] {
        assert!(all.iter().any(|a| a == write), "{write} in {all:?}");
    }
    for read in ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"] {
        assert!(!all.iter().any(|a| a == read), "{read} in {all:?}");
    }
}

#[test]
fn opting_out_of_retention_deletes_the_table_and_says_so() {
    let spec = with_tables("orders").replace(
        "    ttl_attribute: expires_at\n",
        "    ttl_attribute: expires_at\n    retain: false\n",
    );
    let s = TempProject::new(&spec).synth("dev").unwrap();
    let t = template_json(&s, "main");
    let orders = &t["Resources"]["OrdersTable"];
    assert_eq!(orders["DeletionPolicy"], "Delete");
    assert_eq!(orders["Properties"]["DeletionProtectionEnabled"], false);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("tables.orders") && n.contains("retain is off")),
        "{:?}",
        s.notes
    );
}

#[test]
fn an_alarm_can_watch_a_tables_throttled_writes() {
    let spec = with_tables("orders").replace(
        "environments:",
        "topics:\n  ops: { emails: [ops@example.com] }\nalarms:\n  orders-throttled: { on: orders, metric: write-throttles, above: 0, period: 60, evaluation_periods: 1 }\nenvironments:",
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    let p = &t["Resources"]["OrdersThrottledAlarm"]["Properties"];
    assert_eq!(p["Namespace"], "AWS/DynamoDB");
    assert_eq!(p["MetricName"], "WriteThrottleEvents");
    assert_eq!(
        p["Dimensions"],
        json!([{"Name": "TableName", "Value": {"Ref": "OrdersTable"}}])
    );
}

#[test]
fn a_table_shares_the_component_namespace_and_its_key_rules() {
    // A bucket named like a table: one name, two components.
    let spec =
        with_tables("orders").replace("environments:", "buckets:\n  orders: {}\nenvironments:");
    let err = TempProject::new(&spec)
        .synth("prod")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("APP026") && err.contains("buckets.orders"),
        "{err}"
    );
    // The same attribute twice in the key, and an unknown key.
    let spec = with_tables("orders")
        .replace(
            "{ name: created_at, type: number }",
            "{ name: customer_id, type: string }",
        )
        .replace("kms_key: data", "kms_key: date");
    let err = TempProject::new(&spec)
        .synth("prod")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DATA025") && err.contains("tables.orders.sort_key.name"),
        "{err}"
    );
    assert!(
        err.contains("DATA011") && err.contains("did you mean 'data'"),
        "{err}"
    );
}

#[test]
fn without_nat_a_table_needs_the_dynamodb_endpoint() {
    // Without NAT an image comes from ECR (NET017 refuses Docker Hub).
    let no_nat = with_tables("orders:read")
        .replace(
            "  nat: single\n",
            "  nat: none\n  endpoints: [s3, ecr.api, ecr.dkr, logs]\n",
        )
        .replace("image: nginx:1.27", "image: { repository: web, tag: '2' }");
    let err = TempProject::new(&no_nat)
        .synth("prod")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DATA026")
            && err.contains("services.web.connects_to[1]")
            && err.contains("add 'dynamodb' to network.endpoints"),
        "{err}"
    );
    let with_endpoint = no_nat.replace("[s3, ecr.api", "[s3, dynamodb, ecr.api");
    TempProject::new(&with_endpoint)
        .synth("prod")
        .unwrap_or_else(|e| panic!("{e}"));
}
