import time

import boto3
import cfnresponse

POLL_SECONDS = 10
CONTAINER = "users"


def handler(event, context):
    props = event["ResourceProperties"]
    physical_id = event.get("PhysicalResourceId", "database-users-" + props["Database"])
    try:
        # The users stay with the database (dropping one that owns objects
        # fails, and the database may be kept): deleting creates nothing.
        if event["RequestType"] == "Delete":
            cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, physical_id)
            return
        ecs = boto3.client("ecs")
        started = ecs.run_task(
            cluster=props["Cluster"],
            taskDefinition=props["TaskDefinition"],
            launchType="FARGATE",
            count=1,
            startedBy="archgen-database-users",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": props["Subnets"],
                "securityGroups": [props["SecurityGroup"]],
                "assignPublicIp": "DISABLED",
            }},
        )
        if started.get("failures") or not started.get("tasks"):
            raise RuntimeError("ECS did not start the users task: " + str(started.get("failures")))
        task_arn = started["tasks"][0]["taskArn"]
        while True:
            # Answer before Lambda stops this function, so the deploy fails
            # with a reason instead of waiting for ServiceTimeout.
            if context.get_remaining_time_in_millis() < (POLL_SECONDS + 20) * 1000:
                raise RuntimeError("the users task " + task_arn + " did not stop in time; see its log group")
            time.sleep(POLL_SECONDS)
            tasks = ecs.describe_tasks(cluster=props["Cluster"], tasks=[task_arn])["tasks"]
            if tasks and tasks[0]["lastStatus"] == "STOPPED":
                break
        task = tasks[0]
        codes = [c.get("exitCode") for c in task.get("containers", []) if c.get("name") == CONTAINER]
        if codes != [0]:
            raise RuntimeError(
                "the users task " + task_arn + " failed (exit code " + str(codes[0] if codes else None)
                + ", " + str(task.get("stoppedReason")) + "); see its log group"
            )
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {"TaskArn": task_arn}, physical_id)
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical_id, reason=str(error)[:900])
