"""Unit tests of templates/lambda/rotate_secret.py, the rotation function of
the secrets archgen generates (Secrets Manager's four steps, and ElastiCache's
ROTATE strategy for a cache's AUTH token).

boto3 is a fake: the tests check which Secrets Manager and ElastiCache calls
each step makes, as Secrets Manager drives them during a rotation.
"""

import importlib.util
import json
import os
import pathlib
import sys
import unittest
from unittest import mock

HANDLER = pathlib.Path(__file__).resolve().parents[2] / "templates" / "lambda" / "rotate_secret.py"

ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:user-management/prod/jwt-AbCdEf"
TOKEN_ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:user-management/prod/cache-auth-XyZ123"
SHAPES = {
    "user-management/prod/jwt": {"PasswordLength": 64, "ExcludePunctuation": True},
    "user-management/prod/cache-auth": {"PasswordLength": 32, "ExcludePunctuation": True},
}
GROUPS = {"user-management/prod/cache-auth": "user-management-prod-cache"}


class NotFound(Exception):
    pass


class Context:
    def __init__(self, remaining_ms=600_000):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self):
        return self.remaining_ms


def load():
    """Imports the handler with a fake boto3 whose clients are recorded."""
    clients = {"secretsmanager": mock.MagicMock(), "elasticache": mock.MagicMock()}
    clients["secretsmanager"].exceptions.ResourceNotFoundException = NotFound
    boto3 = mock.MagicMock()
    boto3.client.side_effect = lambda name: clients[name]
    env = {"VALUE_SHAPES": json.dumps(SHAPES), "REPLICATION_GROUPS": json.dumps(GROUPS)}
    with mock.patch.dict(sys.modules, {"boto3": boto3}), mock.patch.dict(os.environ, env):
        spec = importlib.util.spec_from_file_location("rotate_secret", HANDLER)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    module.time = mock.MagicMock()  # no real sleeping while waiting for a cache
    return module, clients["secretsmanager"], clients["elasticache"]


def event(step, arn=ARN, token="v2"):
    return {"SecretId": arn, "ClientRequestToken": token, "Step": step}


def described(name, stages, enabled=True):
    return {"Name": name, "RotationEnabled": enabled, "VersionIdsToStages": stages}


class RotationTest(unittest.TestCase):
    def setUp(self):
        self.module, self.secrets, self.elasticache = load()

    def test_create_secret_puts_a_pending_value_of_the_generated_shape(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/jwt", {"v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]}
        )

        def get_secret_value(**kwargs):
            if kwargs.get("VersionStage") == "AWSPENDING":
                raise NotFound()
            return {"SecretString": "old"}

        self.secrets.get_secret_value.side_effect = get_secret_value
        self.secrets.get_random_password.return_value = {"RandomPassword": "new-value"}

        self.module.handler(event("createSecret"), Context())

        self.secrets.get_random_password.assert_called_once_with(
            PasswordLength=64, ExcludePunctuation=True
        )
        self.secrets.put_secret_value.assert_called_once_with(
            SecretId=ARN, ClientRequestToken="v2", SecretString="new-value", VersionStages=["AWSPENDING"]
        )

    def test_create_secret_twice_keeps_the_first_pending_value(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/jwt", {"v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]}
        )
        self.secrets.get_secret_value.return_value = {"SecretString": "pending"}

        self.module.handler(event("createSecret"), Context())

        self.secrets.put_secret_value.assert_not_called()

    def test_set_secret_of_a_plain_secret_touches_no_cache(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/jwt", {"v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]}
        )

        self.module.handler(event("setSecret"), Context())

        self.elasticache.modify_replication_group.assert_not_called()

    def test_set_secret_of_a_cache_token_rotates_it_on_the_replication_group(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/cache-auth", {"v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]}
        )
        self.secrets.get_secret_value.return_value = {"SecretString": "new-token"}
        self.elasticache.describe_replication_groups.return_value = {
            "ReplicationGroups": [{"Status": "available", "PendingModifiedValues": {}}]
        }

        self.module.handler(event("setSecret", arn=TOKEN_ARN), Context())

        self.elasticache.modify_replication_group.assert_called_once_with(
            ReplicationGroupId="user-management-prod-cache",
            AuthToken="new-token",
            AuthTokenUpdateStrategy="ROTATE",
            ApplyImmediately=True,
        )

    def test_test_secret_fails_while_the_cache_is_still_modifying(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/cache-auth", {"v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]}
        )
        self.elasticache.describe_replication_groups.return_value = {
            "ReplicationGroups": [{"Status": "modifying", "PendingModifiedValues": {}}]
        }

        with self.assertRaises(RuntimeError):
            self.module.handler(event("testSecret", arn=TOKEN_ARN), Context(remaining_ms=10_000))

    def test_finish_secret_moves_current_to_the_new_version(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/jwt", {"v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]}
        )

        self.module.handler(event("finishSecret"), Context())

        self.secrets.update_secret_version_stage.assert_called_once_with(
            SecretId=ARN, VersionStage="AWSCURRENT", MoveToVersionId="v2", RemoveFromVersionId="v1"
        )

    def test_a_version_already_current_changes_nothing(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/jwt", {"v2": ["AWSCURRENT"]}
        )

        self.module.handler(event("finishSecret"), Context())

        self.secrets.update_secret_version_stage.assert_not_called()
        self.secrets.put_secret_value.assert_not_called()

    def test_a_secret_without_rotation_or_unknown_to_the_function_is_refused(self):
        self.secrets.describe_secret.return_value = described(
            "user-management/prod/jwt", {"v2": ["AWSPENDING"]}, enabled=False
        )
        with self.assertRaises(ValueError):
            self.module.handler(event("createSecret"), Context())

        self.secrets.describe_secret.return_value = described(
            "someone-else/secret", {"v2": ["AWSPENDING"]}
        )
        with self.assertRaises(ValueError):
            self.module.handler(event("createSecret"), Context())


if __name__ == "__main__":
    unittest.main()
