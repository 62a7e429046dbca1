"""moto's server, made good enough for archgen's own templates.

Stock moto 5.2.5 skips resource types it does not model (and then fails on a
`Fn::GetAtt` of them), runs custom resources through Lambda in Docker, drops
a stack's outputs after a change set, and has no termination protection.
This launcher patches those four things and then starts moto's server:

    python archgen_moto.py -H 127.0.0.1 -p 5000

What the stubs do NOT check (the README lists this too): a stubbed resource
accepts any properties, creates nothing, and answers every `Fn::GetAtt` with
a made-up value; its updates and deletions always succeed.
"""

import sys

from moto.cloudformation import models, parsing, responses
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.moto_api._internal import mock_random


class Stub(CloudFormationModel):
    """A resource moto does not model: records its properties, returns the
    attributes archgen reads."""

    # moto files every model under the service named by its module.
    __module__ = "moto.cloudformation.archgen_stub"

    def __init__(self, resource_type, name, properties, account_id, region):
        self.resource_type = resource_type
        self.name = name
        self.properties = properties
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "archgen::Stub"

    @classmethod
    def has_cfn_attr(cls, attr):
        return True

    @property
    def physical_resource_id(self):
        return self.name

    def get_cfn_attribute(self, attribute_name):
        service = self.resource_type.split("::")[1].lower()
        if attribute_name.endswith("Arn") or attribute_name == "Arn":
            return f"arn:aws:{service}:{self.region}:{self.account_id}:{self.name}"
        if attribute_name.endswith("Url") or attribute_name.endswith("Endpoint"):
            return f"https://{self.name}.{service}.{self.region}.example.test"
        if attribute_name.endswith("DomainName") or attribute_name.endswith("Address"):
            return f"{self.name}.{service}.{self.region}.example.test"
        if attribute_name.endswith("Port"):
            return "443"
        return f"{self.name}-{attribute_name.replace('.', '-').lower()}"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        return cls(
            cloudformation_json.get("Type", "AWS::Stub::Resource"),
            resource_name,
            cloudformation_json.get("Properties", {}),
            account_id,
            region_name,
        )

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        original_resource.properties = cloudformation_json.get("Properties", {})
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        return None


_resource_class_from_type = parsing.resource_class_from_type


def resource_class_from_type(resource_type):
    if resource_type.startswith("Custom::"):
        return Stub
    found = _resource_class_from_type(resource_type)
    return found if found is not None else Stub


parsing.resource_class_from_type = resource_class_from_type


# The stub needs its type to create itself: moto passes the resource JSON,
# which carries it.
_parse_resource = parsing.parse_resource


def parse_resource(resource_json, resources_map):
    parsed = _parse_resource(resource_json, resources_map)
    if parsed and parsed[0] is Stub:
        cls, cleaned, resource_type = parsed
        cleaned = dict(cleaned)
        cleaned["Type"] = resource_type
        return cls, cleaned, resource_type
    return parsed


parsing.parse_resource = parse_resource


# moto models some types archgen emits, but not every property as archgen
# writes it (KMS keys' tags, say): such a resource falls back to a stub too.
_create = parsing.parse_and_create_resource


def parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name):
    try:
        return _create(logical_id, resource_json, resources_map, account_id, region_name)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any failure of moto's own model
        stub = Stub(
            resource_json["Type"],
            f"{logical_id}-{mock_random.get_random_hex(8)}",
            resource_json.get("Properties", {}),
            account_id,
            region_name,
        )
        stub.cf_resource_type = resource_json["Type"]
        stub.logical_resource_id = logical_id
        return stub


parsing.parse_and_create_resource = parse_and_create_resource

_update = parsing.parse_and_update_resource


def parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name):
    original = resources_map[logical_id]
    if isinstance(original, Stub):
        original.properties = resource_json.get("Properties", {})
        return original
    try:
        return _update(logical_id, resource_json, resources_map, account_id, region_name)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001
        return original


parsing.parse_and_update_resource = parse_and_update_resource

_delete = parsing.parse_and_delete_resource


def parse_and_delete_resource(resource_name, resource_json, account_id, region_name):
    try:
        _delete(resource_name, resource_json, account_id, region_name)
    except Exception:  # noqa: BLE001 - a stub stood in for it
        pass


parsing.parse_and_delete_resource = parse_and_delete_resource


# Outputs after a change set: moto applies the resources but keeps the
# output map of the previous template.
_apply = models.ChangeSet.apply


def apply(self):
    _apply(self)
    self.stack.template_dict = self.template_dict
    self.stack.output_map = self.stack._create_output_map()


models.ChangeSet.apply = apply


# Termination protection: stored on the stack, refused by DeleteStack.
def update_termination_protection(self):
    name = self._get_param("StackName")
    enabled = str(self._get_param("EnableTerminationProtection")).lower() == "true"
    stack = self.cloudformation_backend.get_stack(name)
    stack.enable_termination_protection = enabled
    return ActionResult({"StackId": stack.stack_id})


responses.CloudFormationResponse.update_termination_protection = (
    update_termination_protection
)

_delete_stack = models.CloudFormationBackend.delete_stack


def delete_stack(self, name_or_stack_id):
    for stack in list(self.stacks.values()):
        if name_or_stack_id in (stack.name, stack.stack_id) and getattr(
            stack, "enable_termination_protection", False
        ):
            raise ValidationError(
                message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
            )
    return _delete_stack(self, name_or_stack_id)


models.CloudFormationBackend.delete_stack = delete_stack

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main(sys.argv[1:]))
