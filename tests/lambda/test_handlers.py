"""Unit tests of the inline Lambda handlers in templates/lambda/.

archgen embeds each handler as a custom resource's inline code (ZipFile),
where Lambda provides boto3 and cfnresponse. Here both are fakes: the tests
check which EC2 calls a handler makes for each CloudFormation request and
what it answers CloudFormation, with no AWS account. Run by scripts/test:

    python -m unittest discover -s tests/lambda
"""

import importlib.util
import pathlib
import sys
import types
import unittest
from unittest import mock

HANDLERS = pathlib.Path(__file__).resolve().parents[2] / "templates" / "lambda"


def fake_cfnresponse():
    """cfnresponse as Lambda's inline-code runtime provides it, recording sends."""
    module = types.ModuleType("cfnresponse")
    module.SUCCESS = "SUCCESS"
    module.FAILED = "FAILED"
    module.send = mock.Mock()
    return module


def load(name):
    """Imports templates/lambda/<name>.py with fake boto3 and cfnresponse."""
    fakes = {"boto3": mock.MagicMock(), "cfnresponse": fake_cfnresponse()}
    with mock.patch.dict(sys.modules, fakes):
        spec = importlib.util.spec_from_file_location(name, HANDLERS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def request(kind, properties, physical_id=None):
    event = {
        "RequestType": kind,
        "ResourceProperties": properties,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": "r-1",
        "LogicalResourceId": "Resource",
        "ResponseURL": "https://example.invalid/response",
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    return event


class HandlerTest(unittest.TestCase):
    NAME = None

    def setUp(self):
        self.module = load(self.NAME)
        self.ec2 = self.module.boto3.client.return_value
        self.send = self.module.cfnresponse.send
        self.context = object()

    def answer(self):
        """(status, data, physical id, reason) of the one response sent."""
        self.assertEqual(self.send.call_count, 1, self.send.call_args_list)
        args, kwargs = self.send.call_args
        event, context, status, data, physical_id = args
        self.assertIs(context, self.context)
        return status, data, physical_id, kwargs.get("reason")


class RestrictDefaultSecurityGroupTest(HandlerTest):
    NAME = "restrict_default_security_group"
    GROUP = "sg-0123456789abcdef0"
    INGRESS = [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": GROUP}]}]
    EGRESS = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]

    def describe_returns(self, ingress, egress):
        self.ec2.describe_security_groups.return_value = {
            "SecurityGroups": [
                {"GroupId": self.GROUP, "IpPermissions": ingress, "IpPermissionsEgress": egress}
            ]
        }

    def run_request(self, kind):
        event = request(kind, {"DefaultSecurityGroupId": self.GROUP}, self.GROUP)
        self.module.handler(event, self.context)

    def test_create_revokes_every_ingress_and_egress_rule(self):
        self.describe_returns(self.INGRESS, self.EGRESS)
        self.run_request("Create")
        self.module.boto3.client.assert_called_once_with("ec2")
        self.ec2.describe_security_groups.assert_called_once_with(GroupIds=[self.GROUP])
        self.ec2.revoke_security_group_ingress.assert_called_once_with(
            GroupId=self.GROUP, IpPermissions=self.INGRESS
        )
        self.ec2.revoke_security_group_egress.assert_called_once_with(
            GroupId=self.GROUP, IpPermissions=self.EGRESS
        )
        self.assertEqual(self.answer(), ("SUCCESS", {}, self.GROUP, None))

    def test_update_of_an_empty_group_revokes_nothing(self):
        self.describe_returns([], [])
        self.run_request("Update")
        self.ec2.revoke_security_group_ingress.assert_not_called()
        self.ec2.revoke_security_group_egress.assert_not_called()
        self.assertEqual(self.answer(), ("SUCCESS", {}, self.GROUP, None))

    def test_delete_leaves_the_group_alone(self):
        self.run_request("Delete")
        self.module.boto3.client.assert_not_called()
        self.assertEqual(self.answer(), ("SUCCESS", {}, self.GROUP, None))

    def test_an_ec2_error_fails_the_resource_with_its_reason(self):
        self.ec2.describe_security_groups.side_effect = RuntimeError("UnauthorizedOperation")
        self.run_request("Create")
        self.assertEqual(self.answer(), ("FAILED", {}, self.GROUP, "UnauthorizedOperation"))


class ManagedPrefixListTest(HandlerTest):
    NAME = "managed_prefix_list"
    LIST_NAME = "com.amazonaws.global.cloudfront.origin-facing"

    def run_request(self, kind, physical_id=None):
        event = request(kind, {"PrefixListName": self.LIST_NAME}, physical_id)
        self.module.handler(event, self.context)

    def test_create_answers_the_id_of_the_named_list(self):
        self.ec2.describe_managed_prefix_lists.return_value = {
            "PrefixLists": [{"PrefixListId": "pl-3b927c52", "PrefixListName": self.LIST_NAME}]
        }
        self.run_request("Create")
        self.ec2.describe_managed_prefix_lists.assert_called_once_with(
            Filters=[{"Name": "prefix-list-name", "Values": [self.LIST_NAME]}]
        )
        self.assertEqual(
            self.answer(), ("SUCCESS", {"PrefixListId": "pl-3b927c52"}, "pl-3b927c52", None)
        )

    def test_a_missing_list_fails_the_resource_and_says_so(self):
        self.ec2.describe_managed_prefix_lists.return_value = {"PrefixLists": []}
        self.run_request("Create", physical_id=None)
        status, data, physical_id, reason = self.answer()
        self.assertEqual((status, data, physical_id), ("FAILED", {}, self.LIST_NAME))
        self.assertEqual(reason, self.LIST_NAME + " does not exist in this region")

    def test_delete_answers_at_once_with_the_same_id(self):
        self.run_request("Delete", physical_id="pl-3b927c52")
        self.module.boto3.client.assert_not_called()
        self.assertEqual(self.answer(), ("SUCCESS", {}, "pl-3b927c52", None))

class DatabaseUsersTest(HandlerTest):
    NAME = "database_users"
    TASK = "arn:aws:ecs:us-east-1:123456789012:task/cluster/abc"
    PROPS = {
        "Database": "db",
        "Cluster": "app-prod-cluster",
        "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/app-prod-db-users:3",
        "Subnets": ["subnet-1", "subnet-2"],
        "SecurityGroup": "sg-users",
        "Users": ["backend:read-write", "reports:read"],
    }

    def setUp(self):
        super().setUp()
        self.module.POLL_SECONDS = 0
        self.module.time = mock.Mock()
        self.ecs = self.module.boto3.client.return_value
        self.context = mock.Mock()
        self.context.get_remaining_time_in_millis.return_value = 600_000
        self.ecs.run_task.return_value = {"tasks": [{"taskArn": self.TASK}], "failures": []}

    def stops_with(self, exit_code, reason="Essential container in task exited"):
        running = {"taskArn": self.TASK, "lastStatus": "RUNNING", "containers": []}
        stopped = {
            "taskArn": self.TASK,
            "lastStatus": "STOPPED",
            "stoppedReason": reason,
            "containers": [{"name": "users", "exitCode": exit_code}],
        }
        self.ecs.describe_tasks.side_effect = [{"tasks": [running]}, {"tasks": [stopped]}]

    def run_request(self, kind, physical_id=None):
        self.module.handler(request(kind, self.PROPS, physical_id), self.context)

    def test_create_runs_the_task_in_the_given_network_and_waits_for_exit_code_zero(self):
        self.stops_with(0)
        self.run_request("Create")
        self.module.boto3.client.assert_called_once_with("ecs")
        self.ecs.run_task.assert_called_once_with(
            cluster="app-prod-cluster",
            taskDefinition=self.PROPS["TaskDefinition"],
            launchType="FARGATE",
            count=1,
            startedBy="archgen-database-users",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": ["subnet-1", "subnet-2"],
                "securityGroups": ["sg-users"],
                "assignPublicIp": "DISABLED",
            }},
        )
        self.assertEqual(self.ecs.describe_tasks.call_count, 2)
        self.ecs.describe_tasks.assert_called_with(cluster="app-prod-cluster", tasks=[self.TASK])
        self.assertEqual(
            self.answer(), ("SUCCESS", {"TaskArn": self.TASK}, "database-users-db", None)
        )

    def test_update_keeps_the_physical_id(self):
        self.stops_with(0)
        self.run_request("Update", physical_id="database-users-db")
        self.ecs.run_task.assert_called_once()
        self.assertEqual(self.answer()[0:3], ("SUCCESS", {"TaskArn": self.TASK}, "database-users-db"))

    def test_a_non_zero_exit_code_fails_the_resource_with_the_reason(self):
        self.stops_with(3)
        self.run_request("Create")
        status, data, physical_id, reason = self.answer()
        self.assertEqual((status, data), ("FAILED", {}))
        self.assertIn("exit code 3", reason)
        self.assertIn(self.TASK, reason)

    def test_a_task_that_never_starts_its_container_fails_the_resource(self):
        self.stops_with(None, reason="CannotPullContainerError: pull image manifest")
        self.run_request("Create")
        status, _, _, reason = self.answer()
        self.assertEqual(status, "FAILED")
        self.assertIn("CannotPullContainerError", reason)

    def test_a_task_ecs_refuses_to_start_fails_the_resource(self):
        self.ecs.run_task.return_value = {"tasks": [], "failures": [{"reason": "RESOURCE:ENI"}]}
        self.run_request("Create")
        status, _, _, reason = self.answer()
        self.assertEqual(status, "FAILED")
        self.assertIn("RESOURCE:ENI", reason)
        self.ecs.describe_tasks.assert_not_called()

    def test_a_task_still_running_when_time_runs_out_fails_before_lambda_stops(self):
        self.context.get_remaining_time_in_millis.return_value = 5_000
        self.run_request("Create")
        status, _, _, reason = self.answer()
        self.assertEqual(status, "FAILED")
        self.assertIn("did not stop in time", reason)

    def test_delete_is_a_no_op(self):
        self.run_request("Delete", physical_id="database-users-db")
        self.module.boto3.client.assert_not_called()
        self.assertEqual(self.answer(), ("SUCCESS", {}, "database-users-db", None))


if __name__ == "__main__":
    unittest.main()
