import boto3
import cfnresponse


def handler(event, context):
    name = event["ResourceProperties"]["PrefixListName"]
    try:
        if event["RequestType"] == "Delete":
            cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, event.get("PhysicalResourceId", name))
            return
        ec2 = boto3.client("ec2")
        found = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [name]}])["PrefixLists"]
        if not found:
            raise RuntimeError(name + " does not exist in this region")
        list_id = found[0]["PrefixListId"]
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {"PrefixListId": list_id}, list_id)
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, event.get("PhysicalResourceId", name), reason=str(error))
