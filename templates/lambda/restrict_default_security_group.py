import boto3
import cfnresponse


def handler(event, context):
    group_id = event["ResourceProperties"]["DefaultSecurityGroupId"]
    try:
        if event["RequestType"] in ("Create", "Update"):
            ec2 = boto3.client("ec2")
            group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
            if group["IpPermissions"]:
                ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=group["IpPermissions"])
            if group["IpPermissionsEgress"]:
                ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=group["IpPermissionsEgress"])
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, group_id)
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, group_id, reason=str(error))
