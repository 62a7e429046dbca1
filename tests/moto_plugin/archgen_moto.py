"""moto's server, made good enough for archgen's own templates.

Stock moto 5.2.5 skips resource types it does not model (and then fails on a
`Fn::GetAtt` of them), runs custom resources through Lambda in Docker, drops
a stack's outputs after a change set, has no termination protection,
registers exports only for CreateStack (not for change sets), and has no
ListImports. This launcher patches those things and then starts moto's
server:

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
    backend = _backend(self.stack)
    # Fn::ImportValue resolves against the region's exports, as it does for
    # CreateStack; and, as CloudFormation does, a change may not remove an
    # export another stack imports.
    self.stack.resource_map.cross_stack_resources = backend.exports
    old = {e.name: e.value for e in self.stack.exports}
    kept = set(_export_names(self.template_dict))
    for name in old:
        users = _importers(backend, name, but=self.stack)
        if name not in kept and users:
            raise ValidationError(
                message=f"Cannot delete export {name} as it is in use by {', '.join(users)}."
            )
    _apply(self)
    self.stack.template_dict = self.template_dict
    self.stack.output_map = self.stack._create_output_map()
    new = {e.name: e for e in self.stack.exports}
    for name, value in old.items():
        users = _importers(backend, name, but=self.stack)
        if name in new and new[name].value != value and users:
            raise ValidationError(
                message=f"Cannot update export {name} as it is in use by {', '.join(users)}."
            )
    for name in old:
        backend.exports.pop(name, None)
    backend.exports.update(new)


def _backend(stack):
    return models.cloudformation_backends[stack.account_id][stack.region_name]


def _export_names(template):
    for output in (template.get("Outputs") or {}).values():
        name = (output.get("Export") or {}).get("Name")
        if isinstance(name, str):
            yield name


def _imports(node):
    """Export names a template reads with Fn::ImportValue (literal names)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::ImportValue" and isinstance(value, str):
                yield value
            else:
                yield from _imports(value)
    elif isinstance(node, list):
        for item in node:
            yield from _imports(item)


def _importers(backend, export_name, but=None):
    """Names of the stacks whose current template imports the export."""
    return sorted(
        s.name
        for s in backend.stacks.values()
        if s is not but
        and not s.status.startswith("DELETE")
        and export_name in set(_imports(getattr(s, "template_dict", {}) or {}))
    )


# ListImports, as CloudFormation answers it.
def list_imports(self):
    name = self._get_param("ExportName")
    users = _importers(self.cloudformation_backend, name)
    if name not in self.cloudformation_backend.exports:
        raise ValidationError(message=f"Export '{name}' does not exist.")
    if not users:
        raise ValidationError(message=f"Export '{name}' is not imported by any stack.")
    return ActionResult({"Imports": users})


responses.CloudFormationResponse.list_imports = list_imports


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
        # CloudFormation fails the deletion of a stack whose export is in use.
        if name_or_stack_id in (stack.name, stack.stack_id):
            for export in stack.exports:
                users = _importers(self, export.name, but=stack)
                if users:
                    raise ValidationError(
                        message=f"Export {export.name} cannot be deleted as it is in use by {', '.join(users)}"
                    )
    return _delete_stack(self, name_or_stack_id)


models.CloudFormationBackend.delete_stack = delete_stack

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main(sys.argv[1:]))
