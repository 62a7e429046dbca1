//! Every rule archgen checks, with its id, a one-line summary and a longer
//! explanation (`archgen explain NET003` prints it, as `rustc --explain`
//! does). One row per code, so an id cannot drift from its text.

use std::cmp::Ordering;
use std::fmt;

/// Declares [`Code`] from rows of `Variant = "ID", "summary", "explanation";`.
macro_rules! codes {
    ($($variant:ident = $id:literal, $summary:literal, $explanation:literal;)*) => {
        /// A rule id: what a diagnostic is about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The id printed in reports, e.g. `NET003`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }

            /// One line saying what the rule refuses.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// What the rule checks, why, and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => $explanation,)*
                }
            }
        }
    };
}

impl Code {
    /// How a problem of this code is reported unless the rule says
    /// otherwise (SARIF's `defaultConfiguration.level`).
    pub fn default_severity(self) -> super::Severity {
        match self {
            Code::App051 => super::Severity::Warning,
            _ => super::Severity::Error,
        }
    }

    /// The code whose id is `id`, ignoring case (`net003` finds `NET003`).
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(id))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

// Ordered by id, as the plain strings were, so reports keep their order.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(other.id())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

codes! {
    // Structural problems: the files themselves, before any rule runs.
    Project = "PROJECT", "the project directory or a stack file cannot be read",
        "archgen reads every `stacks/*.yaml` (and `.yml`) under `--dir`. This error means the \
         `stacks/` directory is missing or empty, a file cannot be read, is not UTF-8 text, is \
         empty, or has a name that cannot name a stack. Create `stacks/main.yaml` with at least \
         `app:` and `region:`, and name stack files with lowercase letters, digits and hyphens.";
    Yaml = "YAML", "a stack file is not valid YAML",
        "The file could not be parsed as YAML, or a key is written twice in one mapping (YAML \
         keeps only one of them, silently). Fix the syntax at the line shown; for a repeated key, \
         keep one of the two.";
    Ext001 = "EXT001", "an existing resource is not exactly one thing",
        "Each entry under `existing:` is exactly one of `bucket: NAME`, `topic: ARN`, \
         `kms_key: ARN` or `secret: ARN`: a resource archgen references but does not create. \
         Workloads name it in `connects_to` and get the same grants as for a created one.";
    Ext002 = "EXT002", "an existing resource's name or ARN is malformed",
        "A bucket is given by its name (S3's naming rules), a topic, key or secret by its full \
         ARN of that service (`arn:aws:kms:REGION:ACCOUNT:key/ID`). Copy it from the console or \
         `aws ... describe`; per environment, set it in the environment's overlay.";
    Ext003 = "EXT003", "a zone or certificate reference names no such existing resource",
        "`certificate: { existing: KEY }`, `certificate: { hosted_zone: KEY }` and \
         `dns.zones.<domain>: { existing: KEY }` name an entry under `existing:` that is a \
         `certificate: ARN` or a `hosted_zone: ID` respectively. Declare it there (per \
         environment in the overlay), or give the ARN or id directly.";
    Ext004 = "EXT004", "a zone or certificate is given twice",
        "A certificate is either `arn:` or `existing:` (and its zone either `hosted_zone_id:` or \
         `hosted_zone:`), a DNS zone either `id:` or `existing:`. Keep one.";
    // Escape hatches: raw resources, overrides and outputs, checked
    // against CloudFormation's registry schemas (`src/schema/`).
    Res001 = "RES001", "a raw resource's logical id is invalid or taken",
        "A raw resource's key under `resources:` is its logical id: 1 to 255 letters and digits, \
         and not one archgen generates for a component (the error names both). An output id \
         under `outputs:` must not be one archgen generates either. Rename it.";
    Res002 = "RES002", "a resource type does not exist in the stack's region",
        "`Type:` names a type of CloudFormation's registry (`AWS::DynamoDB::Table`) that exists \
         in the stack's `region:`. The vendored schemas (`schemas/cloudformation/regions.json.gz`) \
         say which types each region has; the help names the closest type, or the regions that \
         have it.";
    Res003 = "RES003", "a required property is missing",
        "The type's registry schema requires this property (at the top level or inside a nested \
         object). Add it; the schema's documentation on docs.aws.amazon.com says what it takes.";
    Res004 = "RES004", "a property is unknown or read-only",
        "The type's schema has no property of this name at this place (the help names the closest \
         ones), or the property is an attribute CloudFormation reports (`Arn`): read it with \
         `Fn::GetAtt` instead of setting it.";
    Res005 = "RES005", "a property value has the wrong type",
        "The schema wants another type here: a string, a number, true or false, a list or a \
         mapping. Scalars are as lenient as CloudFormation (a number where a string goes is \
         fine); a list where a mapping goes is not.";
    Res006 = "RES006", "a property value breaks its schema's constraints",
        "The value is not one of the schema's allowed values (enum), does not match its pattern, \
         or is outside its length, range or item-count limits. The message quotes the limit.";
    Res007 = "RES007", "a reference names a logical id or attribute that does not exist",
        "`Ref`, `Fn::GetAtt`, a `${...}` in `Fn::Sub` and `DependsOn` name a logical id of the \
         final template (a raw resource, or one archgen generates: `archgen synth --stdout` shows \
         them), and `Fn::GetAtt` an attribute its type reports.";
    Res008 = "RES008", "an intrinsic function is malformed or not supported",
        "Raw resources accept `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, \
         `Fn::Split`, `Fn::GetAZs`, `Fn::ImportValue`, `Fn::Base64` and `Fn::Cidr` in their long \
         form. Conditions (`Fn::If`, `Condition`) are not: archgen's templates have none; choose \
         a value per environment with an overlay under `environments:`.";
    Res009 = "RES009", "a component reference is invalid",
        "`{ component: KEY, attribute: NAME }` names a component of this stack and one of the \
         values connecting to it gives (the variables without their prefix, lowercase: `host`, \
         `port`, `arn`, `table_name`, ...; `security_group` for a component behind one).";
    Res010 = "RES010", "a raw resource's grants are invalid or missing",
        "A raw resource named in `connects_to` declares what access means: \
         `grants: { read: [dynamodb:GetItem, ...], write: [...] }` (IAM actions of one service; \
         `service:*` is refused), on its `Arn` or on `grants.resources`.";
    Res011 = "RES011", "an override names a missing resource or path, or is malformed",
        "Each entry under `overrides.<LogicalId>` is exactly one of `set: Path` (with `value:`), \
         `add: Path` (appends `value:` to a list) or `remove: Path`, with a path below the \
         resource's `Properties` (`A.B[0].C`). The logical id is one archgen generates, and the \
         path exists (for `set`, its parent). The patched resource is validated against its schema.";
    Res012 = "RES012", "an output is invalid",
        "An output under `outputs:` has a `value:` (intrinsics and component references allowed), \
         an optional `description:` and `export: true` to export it as `<app>-<env>-<OutputId>`.";
    Spec = "SPEC", "a field is unknown, missing or of the wrong type",
        "The YAML parsed, but does not match archgen's spec: an unknown field (often a typo; the \
         help names the closest allowed field), a required field missing, a value of the wrong \
         type, or an environment overlay that removes a required key with `~`. The help line says \
         what is allowed at that place. README.md has the spec reference.";
    Synth = "SYNTH", "the template cannot be built or written",
        "Synthesis failed after every check passed: two resources would get the same logical id \
         (rename one of the spec keys that produce it), or the output could not be written. \
         Nothing was written; the previous output is unchanged.";
    Env = "ENV", "the environment is not declared",
        "`archgen synth ENV` (or `--env`) names an environment declared under `environments:` in \
         every stack file. Declare it, even with no overrides, or pick a declared one.\n\n    \
         environments:\n      prod: {}";
    Yaml001 = "YAML001", "YAML tags such as `!Sub` are not interpreted",
        "archgen reads plain YAML values; a tag such as `!Ref` or `!Sub` would be silently taken as \
         a string. Remove the tag and write the value itself: archgen writes the CloudFormation \
         intrinsics the template needs.";

    // Stacks and templates.
    Stack001 = "STACK001", "a template exceeds CloudFormation's size limits",
        "CloudFormation accepts at most 500 resources, 200 outputs, 200 parameters, logical ids of \
         255 characters and 1,000,000 bytes of template body per stack. archgen checks the \
         synthesized template against these before anything is deployed. Split the stack: move \
         components into another file under `stacks/`.";
    Stack002 = "STACK002", "a load balancer listener would have too many rules",
        "An Application Load Balancer listener allows 100 rules. Every service route (paths or \
         hosts) becomes one rule. Route fewer services by path or host, or split the services over \
         two stacks, each with its own load balancer.";
    Stack003 = "STACK003", "the template description is too long",
        "CloudFormation allows a template description of 1,024 bytes. archgen appends the \
         environment and 'synthesized by archgen' to `description:`, so shorten `description:`.";
    Stack004 = "STACK004", "two files define the same stack",
        "A stack is named after its file, so `main.yaml` next to `main.yml` are both stack `main`. \
         Remove or rename one of them.";
    Stack005 = "STACK005", "two stacks export the same name",
        "CloudFormation export names are unique per account and region, so the second stack to \
         deploy would fail. Export names come from the app, environment and output; rename the \
         component (or the stack) in one of the two.";
    Stack006 = "STACK006", "a security group would have too many rules",
        "AWS allows 60 inbound and 60 outbound rules per security group. Each connection \
         (`connects_to`) to or from a component adds rules to its group. Remove connections, or \
         split the services over two stacks.";
    Stack007 = "STACK007", "a reference names a stack that does not exist",
        "A stack uses another stack of the project by its name, the stem of its file under          `stacks/`: `connects_to: [data.db]` uses component `db` of `stacks/data.yaml`,          `network_from: network` the network of `stacks/network.yaml`. A component of the stack          itself is named without the stack.";
    Stack008 = "STACK008", "a reference names a component another stack does not have",
        "`<stack>.<component>` names a component declared in that stack's file: a database, cache,          bucket, table, queue, topic, key, secret, parameter, raw resource or existing resource.          Services (reached through Service Connect, which is per stack) and functions cannot be          used from another stack.";
    Stack009 = "STACK009", "`network_from` cannot use that stack's network",
        "`network_from: <stack>` uses the VPC and subnets another stack declares under `network:`          (its exports `<app>-<env>-VpcId`, `<Tier>SubnetIds`). That stack must declare a network,          be in the same region (a VPC is regional), and this stack must not declare its own.";
    Stack010 = "STACK010", "stacks use each other in a cycle",
        "Stacks deploy in order, each after the stacks it uses, so two stacks cannot use each          other (directly or through others): CloudFormation cannot import an export that does not          exist yet. Move the component one of them needs into the other stack, or into a third          stack both use.";
    Stack011 = "STACK011", "an export name breaks CloudFormation's rules",
        "Other stacks read a component's values through exports named \
         `<app>-<env>-<stack>-<Component><Value>`; CloudFormation allows at most 255 letters, \
         digits, hyphens and colons. Shorten the component's key or the stack's file name.";

    // The app, its region, environments and tags.
    App001 = "APP001", "the app name cannot be used in AWS resource names",
        "`app:` prefixes every resource name, so it must be 1 to 32 lowercase letters, digits and \
         hyphens, starting with a letter.\n\n    app: user-management";
    App002 = "APP002", "the region is not an AWS region",
        "`region:` must be an AWS region code such as `ap-northeast-1` or `eu-west-1`; the help \
         suggests the closest one.";
    App003 = "APP003", "an environment name cannot be used in stack names",
        "Environment names go into CloudFormation stack names (`<app>-<env>-<stack>`), so use \
         lowercase letters, digits and hyphens, starting with a letter, e.g. `prod`.";
    App004 = "APP004", "a tag key or value breaks AWS's tagging rules",
        "Tag keys are 1 to 128 characters, values up to 256, of letters, digits, spaces and \
         `_ . : / = + - @`; keys may not start with `aws:`. Fix the tag named in the error.";
    App010 = "APP010", "a service's CPU and memory are not a Fargate size",
        "Fargate offers fixed combinations: cpu 256, 512, 1024, 2048, 4096, 8192 or 16384, each \
         with its own range of memory (e.g. cpu 256 takes 512, 1024 or 2048 MiB). Pick a \
         combination Fargate offers.\n\n    cpu: 512\n    memory: 1024";
    App011 = "APP011", "a service port is out of range",
        "A container port is 1 to 65535.";
    App012 = "APP012", "a load balancer or target group name breaks AWS's rules",
        "Load balancer and target group names are at most 32 letters, digits and hyphens, and a \
         load balancer may not start with `internal-`. archgen derives them from the app, \
         environment and key: shorten the app name or the service key.";
    App013 = "APP013", "an ECR repository key or name is invalid",
        "ECR repository names are lowercase letters, digits, `-`, `_`, `.` and `/`. Fix the key \
         under `repositories:` or its `name:`.";
    App014 = "APP014", "a service connects to itself",
        "`connects_to` opens network access and grants permissions between two components; a \
         service needs no connection to itself. Remove the entry.";
    App015 = "APP015", "a connection's access level is invalid",
        "A connection to a data component takes an access level: `name:read`, `name:write` or \
         `name:read-write`. A connection to a service takes none: write just its name.";
    App016 = "APP016", "a service key cannot name a service",
        "Service keys become resource names and logical ids: use lowercase letters, digits and \
         hyphens, starting with a letter.";
    App017 = "APP017", "an image names an unknown repository",
        "`image: { repository: <key> }` must name a repository under `repositories:`; the help \
         suggests the closest one.";
    App018 = "APP018", "two services take the listener's default route",
        "Only one service can take the load balancer listener's default action (`default: true`). \
         Route the others by `paths` or `hosts` with a `priority`.";
    App019 = "APP019", "a service has a route but the stack has no load balancer",
        "A `route:` attaches the service to the stack's load balancer. Declare `load_balancer:`, \
         or remove the route.";
    App020 = "APP020", "the load balancer certificate is incomplete or invalid",
        "Give either `arn` (an existing ACM certificate) or `domain` with `hosted_zone_id` (archgen \
         requests one and validates it by DNS).\n\n    certificate: { domain: api.example.com, hosted_zone_id: Z0123456789ABC }";
    App021 = "APP021", "a scaling schedule is invalid",
        "A schedule under `scaling.schedules` needs an AWS six-field cron (minutes hours \
         day-of-month month day-of-week year, with `?` in exactly one of the day fields), an IANA \
         time zone, and `min`, `max` or both within the scaling range.\n\n    schedules:\n      morning: { cron: '0 9 ? * MON-FRI *', time_zone: Asia/Tokyo, min: 4 }";
    App022 = "APP022", "a service secret names an unknown component",
        "`secrets:` entries name a database or secret declared in this stack, or give \
         `{ ssm: /parameter/name }` or `{ secret_arn: arn:... }`.";
    App023 = "APP023", "a service log retention is not a CloudWatch Logs period",
        "CloudWatch Logs accepts only certain retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, \
         150, 180, 365, 400, 545, 731, ... days). Use one of them.";
    App024 = "APP024", "services need a network",
        "Fargate services run in the stack's VPC. Add a `network:` block with a private tier.";
    App025 = "APP025", "deployment percentages are out of range",
        "`min_healthy_percent` is 0 to 100 and `max_percent` 100 to 400 (ECS's limits).";
    App026 = "APP026", "one name is used for two components",
        "Connections and alarms refer to components by name, so every component (database, \
         cache, bucket, secret, parameter, key, user pool, queue, topic, service, function, ...) \
         needs its own name, across all blocks.";
    App027 = "APP027", "load balancer logs go to a KMS-encrypted bucket",
        "Elastic Load Balancing can write access logs only to buckets encrypted with SSE-S3. Send \
         the logs to a bucket without `kms_key` (it is still encrypted).";
    App028 = "APP028", "`ingress: cloudfront` or `vpc-origin` does not fit the load balancer",
        "Restricting the load balancer to CloudFront needs a distribution that uses it as an origin \
         (`{ load_balancer: true }` under `cdn:`). `ingress: cloudfront` needs an internet-facing \
         load balancer; `ingress: vpc-origin` an internal one (`scheme: internal`), a public tier \
         (CloudFront requires an internet gateway in the VPC) and no API route to the load \
         balancer (its VPC link is not admitted).";
    App029 = "APP029", "resources would carry too many tags",
        "AWS allows 50 tags per resource. archgen adds `app`, `environment`, `managed-by` and \
         `Name` to the spec's tags; remove some tags.";
    App030 = "APP030", "a health-check path does not start with '/'",
        "Target group health-check paths are absolute: write `/health`, not `health`.";
    App031 = "APP031", "the load balancer certificate is in another region",
        "A load balancer can use only ACM certificates of its own region. Import or request the \
         certificate in the stack's region.";
    App032 = "APP032", "a service variable looks like a credential",
        "A variable named like a credential (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*_KEY`) or \
         holding an AWS access key id would be stored in plain text in the task definition. Move \
         it to `secrets:`.";
    App033 = "APP033", "a service lists a connection twice",
        "Each component appears once in `connects_to`; remove the repeat.";
    App034 = "APP034", "a service variable is also set by a connection",
        "A connection sets variables such as the database host; setting the same variable in \
         `environment:` would shadow it. Remove it from `environment:`.";
    App035 = "APP035", "a service route matches nothing",
        "A route must say what it matches: `paths` or `hosts` (with a `priority`), or \
         `default: true`.\n\n    route: { paths: ['/api/*'], priority: 10 }";
    App036 = "APP036", "a route priority is missing or out of range",
        "Listener rules routed by path or host need an explicit `priority` from 1 to 50000 (lower \
         wins); explicit priorities keep rules stable when others are added.";
    App037 = "APP037", "two routes share a priority",
        "A listener cannot have two rules with the same priority; give every route its own.";
    App038 = "APP038", "the load balancer names an unknown tier",
        "`load_balancer.tier` must name a tier of the network; the help lists them.";
    App039 = "APP039", "a load balancer needs a network",
        "The load balancer lives in the stack's VPC. Add a `network:` block with a public tier.";
    App040 = "APP040", "the load balancer idle timeout is out of range",
        "`idle_timeout` is 1 to 4000 seconds.";
    App041 = "APP041", "a service names an unknown tier",
        "A service's `tier` must name a private or isolated tier of the network.";
    App042 = "APP042", "scaling bounds are inconsistent",
        "`scaling.min` must not be above `scaling.max`, and the service's `count` must lie between \
         them.";
    App043 = "APP043", "a scaling target is invalid",
        "Target tracking needs a `cpu` or `memory` percentage from 1 to 100, or \
         `requests_per_target` (which needs a `route` behind the load balancer); scaling with no \
         target needs `schedules`.\n\n    scaling: { min: 2, max: 8, cpu: 60 }";
    App044 = "APP044", "a service connects to an unknown component",
        "`connects_to` entries name components of this stack; the help suggests the closest one.";
    App045 = "APP045", "a variable is both a secret and a plain variable",
        "A name under `secrets:` is injected from Secrets Manager or SSM; the same name under \
         `environment:` would conflict. Remove it from `environment:`.";
    App046 = "APP046", "the account is not a 12-digit AWS account id",
        "`account:` (usually under an environment) is the AWS account the stack must deploy \
         to, as 12 digits; quote it so YAML keeps leading zeros.\n\n    environments:\n      \
         prod: { account: \"123456789012\" }";
    App047 = "APP047", "load balancer access logs are off without a reason",
        "Access logs are on by default (a dedicated log bucket of the stack, objects expiring after \
         `expire_days`, 90 by default). `access_logs: { enabled: false }` needs a `reason: ...`, \
         which becomes the checkov suppression's comment.";
    App048 = "APP048", "a container's scratch path or user is invalid",
        "`scratch:` lists absolute directories (not `/`) that the container writes to; each becomes \
         a task volume mounted there, so `read_only_root_filesystem` can stay on. `user:` is a \
         user name or uid[:gid].";
    App049 = "APP049", "a listener rule would have too many condition values",
        "A listener rule takes at most 5 condition values: the route's paths and hosts, plus the \
         VPC source for `from: api` and the origin-verify header for `ingress: cloudfront`. Merge \
         paths with a wildcard (`/api/*`) or split the route.";
    App050 = "APP050", "a route admits only the API, but no API route reaches the load balancer",
        "`route: { from: api }` restricts the service's listener rule to the VPC, where the API's \
         VPC link connects from. Add an API route with `target: load-balancer`, or drop `from`.";
    App051 = "APP051", "an internet-facing load balancer has no web ACL",
        "A load balancer the internet reaches should be behind AWS WAF: a regional web ACL with \
         `attach: [load_balancer]`, or, with `ingress: cloudfront`, a `waf:` on every distribution \
         that uses it as an origin. Without one, synth prints a warning (exit 0); in an environment \
         that says `production: true` it is an error. To go without on purpose, say why:\n\n    \
         load_balancer:\n      web_acl: { required: false, reason: internal tool behind SSO }";
    App061 = "APP061", "a load balancer without a certificate cannot listen on 443 only",
        "`redirect_http: false` drops the port-80 listener that redirects to HTTPS, so the load \
         balancer listens on 443 only and its security group admits 443 only. Without a \
         `certificate:` there is no HTTPS listener, so nothing would be left: add a certificate, or \
         drop `redirect_http`.\n\n    load_balancer:\n      certificate: { domain: api.example.com, \
         hosted_zone_id: Z0123456789EXAMPLE }\n      redirect_http: false";
    App062 = "APP062", "a service allows all outbound traffic without a reason",
        "A service's security group allows HTTPS out plus exactly the ports of its connections. \
         `allow_all_outbound` replaces that with every protocol to anywhere; it needs a \
         `reason`, which becomes the egress rule's description in the template.\n\n    \
         services:\n      api:\n        allow_all_outbound: { reason: \"calls partner SFTP servers on \
         port 22\" }";
    App063 = "APP063", "an ECS cluster, service or task family name is invalid",
        "`cluster: { name: ... }`, `services.<key>.name` and `services.<key>.family` are \
         1-255 letters, digits, '-' and '_', and two services of the stack cannot share a name \
         or a family. A fixed cluster or service name makes any update that replaces the \
         resource fail (the new one cannot take the old one's name): rename it in the same \
         change, or leave it to CloudFormation.\n\n    cluster: { name: user-management-api-cluster }\n    \
         services:\n      api: { name: api-service, family: api-task }";
    App064 = "APP064", "a load balancer only the API may reach is internet-facing or unused by the API",
        "`ingress: api` lets only the API's VPC link reach the load balancer: its security group \
         admits the VPC link's security group on the listener port and nothing else (no CIDR, no \
         port-80 listener). That load balancer is `scheme: internal`, and an API route must \
         target it.\n\n    load_balancer: { scheme: internal, ingress: api }\n    api:\n      \
         routes:\n        backend: { key: \"ANY /api/{proxy+}\", target: load-balancer }";
    App056 = "APP056", "a blue/green, canary or linear deployment has no listener rule to shift",
        "ECS's blue/green, canary and linear deployments move traffic between two target groups \
         by changing the weights of the service's production listener rule. The service needs a \
         route through the load balancer with a rule of its own (`paths` or `hosts` with a \
         `priority`); the listener's default action is not a rule.\n\n    route: { paths: [\"/*\"], priority: 100 }";
    App057 = "APP057", "a deployment's timing or percentage is outside ECS's limits",
        "`bake_minutes`, `canary_bake_minutes` and `step_bake_minutes` are 0 to 1440; \
         `canary_percent` is a multiple of 0.1 from 0.1 to 100 and `step_percent` from 3 to 100; \
         canary settings only with `strategy: canary`, step settings only with `linear`; and \
         CloudFormation refuses a deployment whose bake times add up to more than 33 hours.";

    // Names archgen derives.
    Name001 = "NAME001", "a derived resource name breaks AWS's naming rules",
        "archgen derives names from `app`, the environment and spec keys (e.g. an SQS queue \
         `<app>-<env>-<key>`). Each AWS service limits length and characters; the error names the \
         limit. Shorten the app name or the key.";

    // Network.
    Net001 = "NET001", "the VPC CIDR size is out of range",
        "A VPC CIDR is between /16 and /28.\n\n    network:\n      cidr: 10.0.0.0/16";
    Net002 = "NET002", "a CIDR is malformed or not canonical",
        "A CIDR is `a.b.c.d/n` without host bits set and without leading zeros (`010.0.0.0/16` is \
         refused, as AWS would read it differently). Write the canonical form the help shows.";
    Net003 = "NET003", "a subnet is outside the VPC CIDR",
        "Every subnet must lie inside `network.cidr`. Pick a range inside it, or give `mask:` and \
         let archgen derive the subnets.";
    Net004 = "NET004", "two subnets overlap",
        "Every subnet needs its own address range; the error names the other subnet.";
    Net005 = "NET005", "a tier has the wrong number of subnets",
        "A tier has one subnet per availability zone; list as many CIDRs as `zones`.";
    Net006 = "NET006", "the availability zones are invalid",
        "`zones` is a count from 1 to 6 or a list of the region's zone names, each once.";
    Net007 = "NET007", "a private tier has no way out",
        "With `nat: none` and no endpoints, a private tier cannot reach AWS APIs or the internet. \
         Set `nat: single` or `nat: per-zone`, add `endpoints:` (e.g. [s3, ecr.api, ecr.dkr, \
         logs]), or make the tier `isolated`.";
    Net008 = "NET008", "NAT gateways need a public tier",
        "NAT gateways live in a public subnet. Add a `type: public` tier, or set `nat: none` and \
         use VPC endpoints.";
    Net009 = "NET009", "a VPC endpoint is unknown or listed twice",
        "`endpoints:` names AWS services archgen knows (s3, dynamodb, ecr.api, logs, ...), each \
         once.";
    Net010 = "NET010", "a tier's subnets cannot be laid out",
        "A tier gives either `cidrs` (one per zone) or `mask` (archgen derives them), not both, and \
         the derived subnets must fit in the VPC CIDR.";
    Net011 = "NET011", "the flow log retention is not a CloudWatch Logs period",
        "`flow_logs.retention_days` must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, \
         30, 60, 90, ... days).";
    Net012 = "NET012", "interface endpoints have no private tier",
        "Interface endpoints go in a private or isolated tier: name one in `endpoint_tier`, or add \
         such a tier.";
    Net013 = "NET013", "a tier name cannot be used in resource names or clashes",
        "Tier names become logical ids: use lowercase letters, digits and hyphens, and make sure \
         two names do not give the same id (`app-1` and `app1`).";
    Net014 = "NET014", "a network needs a tier",
        "Add at least one tier under `network.tiers`.\n\n    tiers:\n      public: { type: public, mask: 24 }";
    Net015 = "NET015", "a component needs two availability zones",
        "RDS subnet groups and load balancers need subnets in at least two zones. Set `zones: 2` \
         or more.";
    Net016 = "NET016", "a subnet is smaller than /28",
        "AWS subnets are /28 (16 addresses) or larger; use a shorter prefix.";
    Net017 = "NET017", "a tier without internet access lacks an endpoint its workloads need",
        "A workload in a tier with no route to the internet (no NAT) reaches AWS APIs only through \
         VPC endpoints: image pulls need `ecr.api`, `ecr.dkr` and `s3`, logs need `logs`, secrets \
         `secretsmanager` (or `ssm`), and so on. Add the missing ones to `network.endpoints`.";
    Net018 = "NET018", "an existing network's ids are malformed or incomplete",
        "`network.existing` names a VPC another team owns: `vpc_id: vpc-...` and, for every tier \
         under `network.tiers` (its type and CIDRs, as they are), one `subnet-...` id per zone in \
         zone order. archgen creates nothing in it: routes, NAT gateways, endpoints and flow logs \
         are the owner's, so `endpoints` is refused.";
    Net023 = "NET023", "the endpoints admit the stack's workloads, but it has none",
        "`network.endpoint_access` says who the interface endpoints' security group admits on \
         443: `workloads` (each service's and function's security group of the stack; the default \
         when the stack runs some and declares no raw `resources:`) or `vpc` (the VPC's CIDR, the \
         default otherwise, for VPCs whose workloads live in other stacks or in raw resources). \
         `workloads` in a stack without services or functions would admit nothing.";

    // Data.
    Data001 = "DATA001", "a component name cannot be used in resource names",
        "Data component keys become resource names: 1 to 32 lowercase letters, digits and \
         hyphens, starting with a letter, e.g. `uploads`.";
    Data002 = "DATA002", "the database engine version is not offered",
        "RDS offers specific versions per engine; the help lists the ones archgen knows.";
    Data003 = "DATA003", "the database instance class is missing or not offered",
        "Give `instance:` with a class RDS offers for the engine, e.g. `db.t3.medium` (or \
         `serverless:` for Aurora).";
    Data004 = "DATA004", "the database storage settings are invalid",
        "Storage `type` is gp3, gp2, io1 or io2; `size_gb` 20 to 65536; `max_gb` above `size_gb`. \
         Aurora takes no `storage:` (it grows by itself).";
    Data005 = "DATA005", "the Serverless v2 settings are invalid",
        "Serverless v2 is for Aurora engines only, excludes `instance:`, and takes `min_acu` and \
         `max_acu` from 0 to 256 in steps of 0.5 with min <= max; pausing at 0 ACU needs a recent \
         engine version.";
    Data006 = "DATA006", "a backup or maintenance window is malformed",
        "Windows are written `hh:mm-hh:mm` (maintenance: `ddd:hh:mm-ddd:hh:mm`) in UTC and last at \
         least the minimum AWS requires and at most 24 hours.";
    Data007 = "DATA007", "the maintenance window overlaps the backup window",
        "AWS refuses overlapping maintenance and backup windows; move one of them.";
    Data008 = "DATA008", "a data store has no suitable tier",
        "Data stores live in an isolated or private tier of the network, never a public one. Add \
         a `network:` with such a tier, or name one in `tier:`.";
    Data009 = "DATA009", "backup or snapshot retention is out of range",
        "RDS keeps automated backups 1 to 35 days; ElastiCache snapshots 0 to 35 days.";
    Data010 = "DATA010", "a database parameter is set by archgen or malformed",
        "archgen sets TLS parameters itself (TLS is always required); other parameter values are \
         written as plain numbers in the parameter's own unit.";
    Data011 = "DATA011", "a component names an unknown KMS key",
        "`kms_key:` names a key under `keys:`; the help suggests the closest one.";
    Data012 = "DATA012", "the cache engine version or node type is not offered",
        "Use an ElastiCache engine version and node type AWS offers, e.g. `cache.t4g.micro`.";
    Data013 = "DATA013", "the cache replication settings are inconsistent",
        "Replicas are 0 to 5, shards 1 to 500; automatic failover needs a replica, and Multi-AZ \
         needs automatic failover.";
    Data014 = "DATA014", "a bucket name breaks S3's naming rules",
        "S3 bucket names are 3 to 63 lowercase letters, digits, dots and hyphens; archgen appends \
         `-<environment>`.";
    Data015 = "DATA015", "bucket access logging is misconfigured",
        "`access_logs` names another bucket of the stack, not encrypted with SSE-KMS and not itself \
         logging elsewhere; a bucket cannot log into itself.";
    Data016 = "DATA016", "a bucket lifecycle rule is invalid",
        "Transitions come in increasing days (30 at the earliest for most storage classes), expiry \
         after the last transition, `noncurrent` rules need `versioned: true`, and \
         `abort_multipart_days` is at least 1.";
    Data017 = "DATA017", "a secret's settings are invalid",
        "A referenced secret (`arn`) is managed elsewhere and takes no `generate`, `rotation` or \
         `kms_key`; generated values are 8 to 4096 characters; rotation runs every 1 to 1000 days \
         with a Lambda function ARN.";
    Data018 = "DATA018", "an SSM parameter is invalid",
        "CloudFormation cannot create SecureString parameters: create those outside the stack and \
         set `secure: true`. A plain parameter needs a `value`, and `name` is a path such as \
         `/app/prod/setting`.";
    Data019 = "DATA019", "database monitoring settings are not offered",
        "Enhanced monitoring intervals are 0, 1, 5, 10, 15, 30 or 60 seconds; Performance \
         Insights is not offered on every instance class.";
    Data020 = "DATA020", "database replicas or readers are invalid",
        "Aurora clusters have `readers` (0 to 15); RDS instances have `replicas` (at most 15), \
         each in one of the network's zones.";
    Data021 = "DATA021", "the database name or master user name is invalid",
        "The database name is up to 63 letters, digits and underscores starting with a letter; \
         the master user name up to 16, not a name RDS reserves.";
    Data022 = "DATA022", "a KMS key deletion window is out of range",
        "KMS waits 7 to 30 days before deleting a key.";
    Data024 = "DATA024", "a bucket CORS rule is invalid",
        "A CORS rule lists at least one origin, and methods S3 accepts (GET, PUT, POST, DELETE, \
         HEAD).";
    Data025 = "DATA025", "a DynamoDB table's key or TTL attribute is invalid",
        "A table's partition key and sort key are two different attributes, and attribute \
         names (keys and `ttl_attribute`) are 1 to 255 bytes long.";
    Data026 = "DATA026", "a workload cannot reach a DynamoDB table",
        "DynamoDB is reached over HTTPS. In a VPC with `nat: none`, a service or function that \
         connects to a table needs the `dynamodb` gateway endpoint in `network.endpoints`.";
    Data030 = "DATA030", "a backup setting is invalid",
        "`backup:` has at least one plan, each plan at least one component and one rule; plan \
         and rule names are letters, digits, hyphens, underscores and dots (`<app>-<env>-<plan>` \
         within 50 characters); a vault lock keeps recovery points at least \
         `min_days` (1 or more) and at most `max_days` (not below `min_days`); a rule's \
         `start_window_minutes` is 60 to 43200 (AWS Backup's range).";
    Data031 = "DATA031", "a backup schedule is invalid",
        "A rule's `schedule` is `daily hh:mm`, `weekly ddd hh:mm` or `monthly <1-28> hh:mm`, \
         with an optional fixed-offset zone (`Asia/Tokyo`, `+09:00`; none means UTC). archgen \
         converts it to a UTC cron, shifting the day when the local time is on the other side \
         of midnight, and refuses zones with daylight saving time (the backup would move \
         twice a year) and days of the month that some months lack.";
    Data032 = "DATA032", "a backup retention is impossible",
        "AWS Backup keeps a recovery point in cold storage at least 90 days: `delete_after_days` \
         is at least `cold_after_days` + 90. With a vault lock, every rule keeps its recovery \
         points between the lock's `min_days` and `max_days`, or its jobs fail.\n\n    \
         rules:\n      monthly: { schedule: monthly 1 03:00 Asia/Tokyo, cold_after_days: 90, \
         delete_after_days: 2555 }";
    Data033 = "DATA033", "a backup plan selects what AWS Backup cannot back up",
        "A plan's `resources` name components of the stack that AWS Backup supports: databases, \
         buckets (versioned: AWS Backup reads their versions) and tables. The help suggests \
         the closest name or says what to change.";
    Data034 = "DATA034", "a backup copy destination is invalid",
        "Each `copy_to` entry is either `arn:` (a backup vault's ARN) or `vault:` (a vault name, \
         2 to 50 letters, digits, hyphens and underscores) with an optional `region:`; it is \
         not the stack's own vault, and the copy is kept at least a day.";
    Data035 = "DATA035", "a secret's key choice is contradicted",
        "A secret archgen creates (and a cache's AUTH token) is encrypted with the key it names, \
         else the stack's first key under `keys:`. `service_key: true` keeps Secrets Manager's \
         AWS managed key instead, so it cannot be combined with `kms_key` on the same secret, \
         and a secret referenced by `arn` has its key where it was created.\n\n    \
         secrets:\n      jwt: { kms_key: data }          # or { service_key: true }";
    Data036 = "DATA036", "a secret's rotation_days is invalid",
        "`rotation_days` rotates a secret archgen generates, with archgen's rotation function \
         (or, for `caches.<name>.auth_token`, ElastiCache's ROTATE strategy). Secrets Manager \
         rotates every 1 to 1000 days. A secret referenced by `arn` is not generated here, and a \
         secret with its own `rotation: { function_arn }` already has a rotation function: \
         remove one of the two.\n\n    secrets:\n      jwt: { generate: { length: 64 }, rotation_days: 90 }";
    Data040 = "DATA040", "a cache's log retention is not a CloudWatch Logs period",
        "`caches.<key>.logs: { slow: true, engine: true, retention_days: 30 }` delivers the \
         slow log and the engine log to log groups of their own, kept for `retention_days`: one \
         of the periods CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, \
         400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).";
    Data041 = "DATA041", "a bucket's replication destination or key is malformed",
        "`replication: { destination: arn:aws:s3:::<bucket>, kms_key: arn:aws:kms:<region>:<account>:key/<id> }` \
         names an existing, versioned bucket in another region and a key of that region, which \
         encrypts the replicas. The key is a key ARN (the replication role is granted \
         `kms:Encrypt` on it), in another region than the stack's.";
    Data042 = "DATA042", "a replicated bucket is not versioned, not SSE-KMS or not named",
        "S3 replicates object versions, so the bucket is `versioned: true`; replicas are \
         encrypted with the destination's key only for SSE-KMS objects, so it has a `kms_key`; \
         and the replication role's policy names the bucket before it exists, so it has a \
         `name` (archgen appends -<environment>).";

    Data043 = "DATA043", "database workload users are switched off without a reason",
        "By default every workload that connects to a database gets its own database user, \
         authenticated by an IAM token, with the privileges its access level implies \
         (`workload_users`). Going without (`workload_users: { enabled: false }`) means the \
         application connects with the master secret, so say why in `reason:`.";
    Data044 = "DATA044", "database workload users need IAM database authentication",
        "A workload's database user has no password: it signs in with an IAM authentication \
         token, so the database needs `iam_auth: true` (the default), or \
         `workload_users: { enabled: false, reason: ... }`.";
    Data045 = "DATA045", "a workload's database user name is invalid",
        "A workload's database user is named after its key, hyphens as underscores. MySQL \
         allows 32 characters, PostgreSQL 63, and the name cannot be the master user's or one \
         RDS or the engine reserves (`rdsadmin`, `rds_*`, `pg_*`, `postgres`, `root`, `mysql`, `public`). Rename the workload, or go \
         without workload users for this database.";
    Data046 = "DATA046", "two workloads would sign in as one database user",
        "Each workload connecting to a database gets its own user: a local workload's is its key, \
         hyphens as underscores; a workload of another stack of the project \
         (`connects_to: [data.db]`) gets `<stack>_<key>`. Two workloads whose names give the same \
         user would share its grants; rename one of them.";

    // API Gateway.
    Api001 = "API001", "an API has no route",
        "An HTTP API needs at least one route.\n\n    routes:\n      app: { key: 'ANY /{proxy+}', target: load-balancer }";
    Api002 = "API002", "a route key is used twice",
        "Every route needs its own method and path.";
    Api003 = "API003", "the API names an unknown tier",
        "`api.tier` names a private tier of the network (the VPC link lives there).";
    Api004 = "API004", "the API authorizer is invalid",
        "`authorizer.user_pool` names a user pool of the stack, and `clients` lists at least one \
         of its app clients.";
    Api005 = "API005", "API throttling is invalid",
        "A throttling rate of 0 rejects every request; give the steady-state requests per second.";
    Api006 = "API006", "a route name cannot be used in logical ids",
        "Route names become logical ids: use lowercase letters, digits and hyphens.";
    Api007 = "API007", "a route key is malformed",
        "A route key is `METHOD /path` (e.g. `GET /users/{id}`), `ANY /{proxy+}` or `$default`.";
    Api008 = "API008", "a route targets something that does not exist",
        "A route target names a function of the stack or `load-balancer` (which needs \
         `load_balancer:`).";
    Api009 = "API009", "a route requires a token but the API has no authorizer",
        "Add `authorizer: { user_pool: ..., clients: [...] }`, or set `auth: false` on a public \
         route.";
    Api010 = "API010", "the API log retention is not a CloudWatch Logs period",
        "`log_retention_days` must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, \
         ... days).";
    Api011 = "API011", "an authorized API route is also served without the authorizer",
        "A service that an API route reaches through its authorizer must not also be reachable, \
         on the same paths, through the load balancer from the internet or CloudFront: that way \
         skips the token check. Give the service's route `from: api` (its listener rule then \
         admits only the VPC, where the API's VPC link is), make the load balancer internal, or \
         keep the path off the load balancer in CloudFront; or say why it is intended with \
         `direct_access: \"<reason>\"` on the API route.";

    // Edge: WAF, CloudFront, DNS.
    Edge001 = "EDGE001", "a web ACL or WAF rule name is invalid",
        "WAF names are letters, digits, `-` and `_`.";
    Edge002 = "EDGE002", "a CLOUDFRONT-scope web ACL is attached to a load balancer",
        "A load balancer needs a REGIONAL web ACL. Use `scope: regional`, or reference this ACL \
         from a distribution's `waf:`.";
    Edge003 = "EDGE003", "a web ACL attaches to a missing load balancer",
        "Declare `load_balancer:` or remove the attachment.";
    Edge004 = "EDGE004", "the WAF log retention is not a CloudWatch Logs period",
        "Use a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... days).";
    Edge005 = "EDGE005", "a WAF rule matches not exactly one thing",
        "Each rule gives one of `managed`, `rate_limit`, `geo`, `ip_allow`, `ip_block` or \
         `xss: true`.";
    Edge006 = "EDGE006", "an unknown AWS managed rule group",
        "Name a managed rule group archgen knows, e.g. `common` or `known-bad-inputs`; the help \
         suggests the closest.";
    Edge007 = "EDGE007", "a managed-rule option is used on the wrong rule",
        "Managed rule groups block with their own responses (no `response`), and `count_only` \
         applies only to `managed:` rules.";
    Edge008 = "EDGE008", "a rate limit is outside what AWS WAF accepts",
        "The limit is 10 to 2,000,000,000 requests, over a window of 60, 120, 300 or 600 seconds.";
    Edge009 = "EDGE009", "a geo rule is invalid",
        "Give either `block` or `allow`, with ISO 3166 two-letter country codes.";
    Edge010 = "EDGE010", "a WAF response status is out of range",
        "A custom response status is 200 to 599, e.g. 403 or 429.";
    Edge011 = "EDGE011", "a WAF address list is empty or malformed",
        "List canonical IPv4 CIDRs such as `203.0.113.0/24`.";
    Edge012 = "EDGE012", "a WAF path is not a path prefix",
        "Write the start of the path without wildcards: `/admin` matches `/admin*`.";
    Edge013 = "EDGE013", "a distribution names an unknown or REGIONAL web ACL",
        "CloudFront needs a CLOUDFRONT-scope ACL under `waf:` (archgen creates it in us-east-1).";
    Edge014 = "EDGE014", "an unknown CloudFront price class",
        "Use 100, 200 or all.";
    Edge015 = "EDGE015", "a distribution's certificate is missing or incomplete",
        "Alternate domain names need a certificate: an `arn`, or a `domain` with the \
         `hosted_zone_id` that validates it.";
    Edge016 = "EDGE016", "a distribution's origins are invalid",
        "A distribution needs at least one origin, each exactly one of `{ bucket: <key> }` or \
         `{ load_balancer: true }`.";
    Edge017 = "EDGE017", "an origin bucket is unknown or KMS-encrypted",
        "Name a bucket of the stack encrypted with SSE-S3: CloudFront may not use its KMS key.";
    Edge018 = "EDGE018", "CloudFront cannot reach the load balancer over HTTPS",
        "CloudFront talks to the load balancer over HTTPS only: give the load balancer a \
         certificate, and the origin a `domain:` that certificate covers.";
    Edge019 = "EDGE019", "the origin shield region is not an AWS region",
        "Use the region closest to the origin, e.g. `ap-northeast-1`.";
    Edge020 = "EDGE020", "a cache behaviour names an unknown origin",
        "A behaviour's `origin` names an origin of its distribution; the help suggests the \
         closest.";
    Edge021 = "EDGE021", "a hosted zone id is malformed",
        "Copy the id from the Route 53 console, e.g. `Z0123456789EXAMPLE` (without \
         `/hostedzone/`).";
    Edge022 = "EDGE022", "a DNS record is in none of the zones",
        "A record's name must end with one of the hosted zones under `dns.zones`.";
    Edge023 = "EDGE023", "a DNS alias target is invalid",
        "A record aliases exactly one of `{ cdn: <key> }` (a distribution that answers for the \
         name) or `{ load_balancer: true }` (which needs `load_balancer:`).";
    Edge024 = "EDGE024", "a CloudFront certificate is not in us-east-1",
        "CloudFront uses only ACM certificates in us-east-1; import or request it there.";
    Edge025 = "EDGE025", "a cache TTL is invalid",
        "A TTL needs caching on, and CloudFront caches for at most a year (365d).";
    Edge026 = "EDGE026", "an IP-based rule sees CloudFront's addresses",
        "A web ACL on a load balancer that CloudFront fronts sees the address of CloudFront's \
         edge server, not the viewer's, for traffic through CloudFront: an IP set or a per-IP rate \
         limit there blocks or throttles CloudFront itself. Move the rule to the CLOUDFRONT-scope \
         web ACL of the distribution.";
    Edge027 = "EDGE027", "CloudFront access logs are off without a reason",
        "Standard logs are on by default (a dedicated log bucket per distribution). \
         `logs: { enabled: false }` needs a `reason: ...`, which becomes the checkov suppression's \
         comment.";

    // Identity: Cognito.
    Idn001 = "IDN001", "a user pool key cannot name a pool",
        "User pool keys become names: lowercase letters, digits and hyphens, starting with a \
         letter.";
    Idn002 = "IDN002", "a Cognito domain prefix is invalid",
        "Domain prefixes are lowercase letters, digits and hyphens, without `aws`, `amazon` or \
         `cognito`.";
    Idn003 = "IDN003", "an identity provider's client secret is not a reference",
        "A client secret written into the spec ends up in the template. Keep it in Secrets \
         Manager and refer to it: `client_secret: { secret: <key under secrets:>, key: <JSON \
         key> }`.";
    Idn004 = "IDN004", "an identity provider is misconfigured",
        "Provider names are 3 to 32 characters without spaces or `_`; an OIDC provider needs an \
         https `issuer`; Google's issuer is fixed.";
    Idn005 = "IDN005", "a token lifetime is outside Cognito's range",
        "Access and ID tokens live 5m to 1d; refresh tokens 1h to 3650d.";
    Idn006 = "IDN006", "an app client's OAuth settings are invalid",
        "OAuth needs at least one callback URL, each https (http only for localhost) or an app \
         scheme such as `myapp://callback`, and identity providers of the pool.";
    Idn007 = "IDN007", "a user pool has no sign-in attribute",
        "Users need something to sign in with, e.g. `sign_in: [email]`.";
    Idn008 = "IDN008", "the password policy is out of range",
        "Cognito allows a minimum length of 6 to 99 and temporary passwords valid 0 to 365 days.";
    Idn013 = "IDN013", "an identity provider's secret is set to rotate",
        "An identity provider's client secret is issued by the provider and stored in a secret \
         under `secrets:`. archgen's rotation writes a new random value, which the provider \
         would reject, so that secret cannot have `rotation_days`. Rotate the client secret with \
         the provider and store the new value in the secret.";
    Idn009 = "IDN009", "the CI deploy role trusts an unclear repository, branch or environment",
        "`ci.repository` is `owner/name`; `ci.branches` are branch names as git allows them \
         (without `refs/heads/`) and `ci.environments` GitHub environment names, each exact: \
         a wildcard would let any matching branch assume the deploy role. At least one branch \
         or environment is named.\n\n    ci: { repository: acme/shop, branches: [main], environments: [production] }";
    Idn010 = "IDN010", "the CI block's OIDC provider or artifact bucket is invalid",
        "`ci.provider` is the ARN of the account's existing GitHub OIDC provider \
         (`arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`; an \
         account has one per issuer, so a second environment in the same account names the \
         first one's). `ci.artifact_bucket` is an S3 bucket name.";

    // Monitoring.
    Mon001 = "MON001", "a topic key cannot name a topic",
        "Topic keys become names: lowercase letters, digits and hyphens, starting with a letter.";
    Mon002 = "MON002", "an alarm key cannot name an alarm",
        "Alarm keys become names: lowercase letters, digits and hyphens, e.g. `api-cpu-high`.";
    Mon003 = "MON003", "an alarm watches an unknown component",
        "`on:` names a component of the stack; the help suggests the closest.";
    Mon004 = "MON004", "the watched component does not publish the metric",
        "Each kind of component publishes its own metrics; the help lists them.";
    Mon005 = "MON005", "an alarm threshold is invalid",
        "Give exactly one of `above` or `below`, a finite number, within 0-100 for percentages.";
    Mon006 = "MON006", "an alarm's evaluation settings are invalid",
        "`period` is 10, 30 or a multiple of 60 seconds; at least one period is evaluated and at \
         most a day in total; `datapoints_to_alarm` is 1 to `evaluation_periods`.";
    Mon007 = "MON007", "an alarm notifies nobody",
        "`notify` names topics under `topics:`.\n\n    topics: { alerts: { emails: [ops@example.com] } }";
    Mon008 = "MON008", "a topic names an unknown KMS key",
        "`kms_key:` names a key under `keys:`.";
    Mon009 = "MON009", "a topic email is not an email address",
        "Write an address such as `ops@example.com`.";
    Mon010 = "MON010", "the dashboard names a component without metrics",
        "`dashboard.hide` and `dashboard.compare[].on` name components that publish metrics \
         (services, `load_balancer`, databases, caches, queues, functions, tables); the help \
         suggests the closest one.";
    Mon011 = "MON011", "a dashboard setting is invalid",
        "A `dashboard.compare` graph has a title, at least one component, and a metric that \
         every component it names publishes; `dashboard.period` is 10, 30 or a multiple of 60 \
         seconds.";
    Mon012 = "MON012", "a topic's Slack channel is invalid",
        "`slack:` takes the workspace id (`T...`) and the channel id (`C...`), letters and \
         digits, as the AWS Chatbot console and Slack's channel details show them.";
    Mon013 = "MON013", "a topic's HTTPS endpoint is invalid",
        "Each `https:` entry is either `url:` (an https:// URL with no key in it) or `secret:` (a \
         key of `secrets:` whose value is the URL). PagerDuty's Events API URL carries its \
         integration key, so it belongs in a secret: the template then holds only the \
         secret's ARN and CloudFormation resolves the value at deploy time.";
    Mon014 = "MON014", "the log groups' key is unknown or contradicted",
        "`logs.kms_key` names a key under `keys:`; every log group of the stack is then encrypted \
         with it (the first declared key is the default). `logs.service_key: true` keeps \
         CloudWatch Logs' own key instead, and cannot be combined with `kms_key`.";
    Mon015 = "MON015", "a log-pattern alarm has nothing to read",
        "An alarm gives either `metric:` or `log_pattern:`. A `log_pattern` reads the log group \
         of a service, or a log a database exports to CloudWatch Logs: `log:` chooses which \
         (`postgresql` by default for PostgreSQL, `error` for MySQL; also `slowquery`, \
         `general`, `audit` for MySQL), and only for a database.\n\n    alarms:\n      \
         db-slow: { on: db, log_pattern: '\"duration:\"', above: 10 }";
    Mon016 = "MON016", "a log pattern is not a CloudWatch Logs filter pattern",
        "The pattern is 1 to 1024 characters, closes its quotes and `%regex%` terms, balances \
         `{}`, `[]` and `()` outside them, and a JSON pattern selects a field with `$`: \
         `'\"ERROR\"'`, `'?ERROR ?FATAL'`, `'{ $.level = \"error\" }'`, \
         `'[ip, user, ..., status = 5*]'`. archgen cannot check more than the syntax; \
         CloudWatch Logs checks the rest at deploy.";
    Mon017 = "MON017", "a log-pattern alarm reads a log the database does not write",
        "MySQL writes its slow query, general and (Aurora) audit logs only when a parameter \
         turns them on, so a filter on them would never match: set `slow_query_log: 1` (with \
         `long_query_time`), `general_log: 1` or `server_audit_logging: 1` under the \
         database's `parameters:`. RDS for MySQL's audit log needs an option group archgen \
         does not create.";

    Mon020 = "MON020", "an audit trail setting is invalid",
        "`audit.retention_days` is 1 to 36500 days (S3 Object Lock's range; seven years is \
         2555); `audit.kms_key` names a key under `keys:`; `audit.cloudwatch.retention_days` is \
         a retention CloudWatch Logs offers.";
    Mon021 = "MON021", "audit data events name what CloudTrail cannot log",
        "`audit.data_events` names buckets and tables of the stack, whose object- and item-level \
         calls CloudTrail then logs; the help suggests the closest name.";

    Mon022 = "MON022", "a log archive setting is invalid",
        "`logs.archive.components` names services and functions (leave it out to archive every \
         log group of the stack); archived logs are kept at least a day (`expire_days`) and \
         move to Glacier (`glacier_after_days`) before they expire.";

    Mon037 = "MON037", "a DNS health check's path is invalid",
        "`health_check.path` is the path Route 53 requests over HTTPS: it starts with `/` and \
         is at most 255 characters, without spaces.\n\n    dns:\n      records:\n        \
         api.example.com: { load_balancer: true, health_check: { path: /health } }";
    Mon038 = "MON038", "a DNS health check's alarm notifies nobody",
        "The alarm on a health check notifies the topics in `health_check.notify` (default: \
         every topic of the stack), which name topics under `topics:`; the help suggests the \
         closest one.";
    Mon039 = "MON039", "a DNS health check cannot reach its record",
        "Route 53's health checkers call the record's name over HTTPS on 443 from the internet. \
         A load balancer record needs an internet-facing load balancer with a certificate that \
         admits the internet (not `ingress: cloudfront` or `vpc-origin`); check the \
         distribution in front of it instead.";

    // Messaging: queues and functions.
    Msg001 = "MSG001", "a queue setting is out of range",
        "Queue settings have SQS's ranges (e.g. retention 1 to 14 days, visibility timeout 0 to \
         43200 s); the help gives the range.";
    Msg002 = "MSG002", "a function key cannot name a function",
        "Function keys become names: lowercase letters, digits and hyphens; `<app>-<env>-<key>` \
         must fit in 64 characters.";
    Msg003 = "MSG003", "a function trigger names an unknown queue",
        "A trigger's `queue` names a queue under `queues:`.";
    Msg004 = "MSG004", "a function connection is invalid",
        "`connects_to` entries name components of the stack, with an access level `read`, \
         `write` or `read-write` where one applies.";
    Msg005 = "MSG005", "a function variable looks like a credential",
        "A variable named like a credential or holding an AWS access key id would be stored in \
         plain text. Move it to `secrets:`.";
    Msg006 = "MSG006", "a function lists a connection twice",
        "Each component appears once in `connects_to`.";
    Msg007 = "MSG007", "a function variable is also set by a connection",
        "Remove it from `environment:`; the connection sets it.";
    Msg008 = "MSG008", "a queue key cannot name a queue",
        "Queue keys become names: lowercase letters, digits and hyphens, starting with a letter.";
    Msg009 = "MSG009", "the dead-letter queue keeps messages too briefly",
        "Keep dead letters at least as long as the queue keeps messages, or they expire before \
         anyone looks.";
    Msg010 = "MSG010", "a queue names an unknown KMS key",
        "`kms_key:` names a key under `keys:`.";
    Msg012 = "MSG012", "a function's package is incomplete",
        "Give either `code` (a zip in S3, with `runtime` and `handler`) or `image` (a container \
         image URI).\n\n    code: { bucket: my-artifacts, key: worker/1.0.0.zip }\n    runtime: python3.13\n    handler: app.handler";
    Msg013 = "MSG013", "a function log retention is not a CloudWatch Logs period",
        "Use a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... days).";
    Msg014 = "MSG014", "a function names an unknown private tier",
        "A function in the VPC names a private tier (an isolated one needs endpoints for every AWS \
         API the function calls).";
    Msg015 = "MSG015", "a queue hides messages for less than the function may run",
        "A queue's visibility timeout must be at least the function's timeout, or a message being \
         processed is delivered again.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Codes for whole files or stages rather than one rule.
    const STRUCTURAL: &[&str] = &["PROJECT", "YAML", "SPEC", "ENV", "SYNTH"];

    #[test]
    fn ids_are_unique_well_formed_and_documented() {
        let mut seen = BTreeSet::new();
        for &code in Code::ALL {
            let id = code.id();
            assert!(seen.insert(id), "{id} is used twice");
            let (letters, digits) =
                id.split_at(id.trim_end_matches(|c: char| c.is_ascii_digit()).len());
            assert!(
                STRUCTURAL.contains(&id)
                    || (!letters.is_empty()
                        && letters.chars().all(|c| c.is_ascii_uppercase())
                        && digits.len() == 3),
                "{id} is not LETTERS000"
            );
            assert!(!code.summary().trim().is_empty(), "{id} has no summary");
            assert!(!code.summary().contains('\n'), "{id}: summary is one line");
            assert!(
                !code.explanation().trim().is_empty(),
                "{id} has no explanation"
            );
        }
    }

    #[test]
    fn ids_are_found_ignoring_case() {
        assert_eq!(Code::from_id("net003"), Some(Code::Net003));
        assert_eq!(Code::from_id("SPEC"), Some(Code::Spec));
        assert_eq!(Code::from_id("NOPE999"), None);
        assert_eq!(Code::Net003.to_string(), "NET003");
    }
}
