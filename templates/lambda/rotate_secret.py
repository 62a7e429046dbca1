import json
import os
import time

import boto3

secrets = boto3.client("secretsmanager")
elasticache = boto3.client("elasticache")
SHAPES = json.loads(os.environ["VALUE_SHAPES"])
GROUPS = json.loads(os.environ.get("REPLICATION_GROUPS", "{}"))


def handler(event, context):
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    meta = secrets.describe_secret(SecretId=arn)
    if not meta.get("RotationEnabled"):
        raise ValueError(f"rotation is not enabled for {arn}")
    stages = meta.get("VersionIdsToStages", {}).get(token)
    if stages is None:
        raise ValueError(f"{arn} has no version {token}")
    if "AWSCURRENT" in stages:
        print(f"version {token} of {arn} is already current")
        return
    if "AWSPENDING" not in stages:
        raise ValueError(f"version {token} of {arn} is not pending rotation")
    name = meta["Name"]
    if name not in SHAPES:
        raise ValueError(f"{name} is not a secret this function rotates")
    group = GROUPS.get(name)
    if step == "createSecret":
        create_secret(arn, token, name)
    elif step == "setSecret":
        if group:
            set_auth_token(arn, token, group, context)
    elif step == "testSecret":
        if group:
            wait_until_available(group, context)
    elif step == "finishSecret":
        finish_secret(arn, token, meta)
    else:
        raise ValueError(f"unknown step {step}")


def create_secret(arn, token, name):
    secrets.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    try:
        secrets.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        print(f"createSecret: {arn} already has a pending value")
        return
    except secrets.exceptions.ResourceNotFoundException:
        pass
    value = secrets.get_random_password(**SHAPES[name])["RandomPassword"]
    secrets.put_secret_value(
        SecretId=arn, ClientRequestToken=token, SecretString=value, VersionStages=["AWSPENDING"]
    )
    print(f"createSecret: new pending value for {arn}")


def set_auth_token(arn, token, group, context):
    pending = secrets.get_secret_value(
        SecretId=arn, VersionId=token, VersionStage="AWSPENDING"
    )["SecretString"]
    wait_until_available(group, context)
    # ROTATE adds the new token and keeps the previous one valid.
    elasticache.modify_replication_group(
        ReplicationGroupId=group,
        AuthToken=pending,
        AuthTokenUpdateStrategy="ROTATE",
        ApplyImmediately=True,
    )
    print(f"setSecret: new AUTH token set on {group} with the ROTATE strategy")


def wait_until_available(group, context):
    while True:
        g = elasticache.describe_replication_groups(ReplicationGroupId=group)["ReplicationGroups"][0]
        if g["Status"] == "available" and "AuthTokenStatus" not in g.get("PendingModifiedValues", {}):
            return
        if context.get_remaining_time_in_millis() < 30000:
            raise RuntimeError(f"{group} is still {g['Status']}; Secrets Manager retries the rotation")
        time.sleep(15)


def finish_secret(arn, token, meta):
    current = next(
        (v for v, s in meta["VersionIdsToStages"].items() if "AWSCURRENT" in s), None
    )
    secrets.update_secret_version_stage(
        SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current
    )
    print(f"finishSecret: version {token} of {arn} is current")
