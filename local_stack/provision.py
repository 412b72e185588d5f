"""Create the template's stateful resources in an AWS endpoint (moto), and answer their physical ids."""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from typing import Any

import boto3

from local_stack.template import Template, resolve, resolve_value

ACCOUNT_ID = "123456789012"


@lru_cache(maxsize=4)
def _session_clients(region: str, endpoint_url: str | None) -> dict[str, Any]:
    kwargs = {"region_name": region, "endpoint_url": endpoint_url}
    return {name: boto3.client(name, **kwargs) for name in ("dynamodb", "cognito-idp", "s3", "events", "sqs", "kms", "secretsmanager")}


def provision(template: Template, stack: str, region: str, endpoint_url: str | None = None) -> dict[str, str]:
    """Create every resource the local stack emulates; answer {logical id (or id.Attr): physical id}."""
    clients = _session_clients(region, endpoint_url)
    refs: dict[str, str] = {
        "AWS::StackName": stack,
        "AWS::Region": region,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::Partition": "aws",
        **{name: str(value) for name, value in template.parameter_defaults().items() if value is not None},
    }
    for name, resource in template.resources.items():
        creator = _CREATORS.get(resource["Type"])
        if creator is not None:
            creator(clients, name, resource.get("Properties", {}), refs, stack)
    return refs


def _table(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    table_name = f"{stack}-{name}"
    dynamodb = clients["dynamodb"]
    dynamodb.create_table(
        TableName=table_name,
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        BillingMode=props.get("BillingMode", "PAY_PER_REQUEST"),
        GlobalSecondaryIndexes=props.get("GlobalSecondaryIndexes", []),
        StreamSpecification={"StreamEnabled": True, **props["StreamSpecification"]} if "StreamSpecification" in props else {"StreamEnabled": False},
        SSESpecification={"Enabled": props.get("SSESpecification", {}).get("SSEEnabled", False)},
    )
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        dynamodb.update_continuous_backups(
            TableName=table_name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
    description = dynamodb.describe_table(TableName=table_name)["Table"]
    refs[name] = table_name
    refs[f"{name}.Arn"] = description["TableArn"]
    refs[f"{name}.StreamArn"] = description.get("LatestStreamArn", "")


def _user_pool(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    kept: dict[str, Any] = {k: props[k] for k in ("Policies", "AdminCreateUserConfig", "UsernameConfiguration") if k in props}
    if "MfaConfiguration" in props:
        kept["MfaConfiguration"] = resolve(props["MfaConfiguration"], refs)
    pool = clients["cognito-idp"].create_user_pool(PoolName=resolve(props.get("UserPoolName", name), refs), **kept)["UserPool"]
    refs[name] = pool["Id"]
    refs[f"{name}.Arn"] = pool["Arn"]


def _user_pool_client(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    client = clients["cognito-idp"].create_user_pool_client(
        UserPoolId=resolve(props["UserPoolId"], refs),
        ClientName=resolve(props.get("ClientName", name), refs),
        GenerateSecret=bool(props.get("GenerateSecret", False)),
        ExplicitAuthFlows=resolve_value(props.get("ExplicitAuthFlows", []), refs),
    )["UserPoolClient"]
    refs[name] = client["ClientId"]


def _user_pool_group(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    clients["cognito-idp"].create_group(
        UserPoolId=resolve(props["UserPoolId"], refs),
        GroupName=props["GroupName"],
        Description=props.get("Description", ""),
        Precedence=int(props.get("Precedence", 0)),
    )
    refs[name] = props["GroupName"]


def _bucket(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    s3 = clients["s3"]
    bucket = f"{stack}-{name}".lower()
    object_lock = bool(props.get("ObjectLockEnabled"))
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=object_lock)
    if props.get("VersioningConfiguration"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": props["VersioningConfiguration"]["Status"]})
    if object_lock and props.get("ObjectLockConfiguration"):
        rule = props["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
        retention = {"Mode": rule["Mode"]}
        for unit in ("Days", "Years"):
            if unit in rule:
                retention[unit] = int(resolve(rule[unit], refs))
        s3.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}}
        )
    if props.get("PublicAccessBlockConfiguration"):
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    if props.get("BucketEncryption"):
        # CloudFormation's rule shape → the S3 API's
        encryption = [
            {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"], "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled"))}
            for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": encryption})
    if props.get("CorsConfiguration"):  # CloudFormation's CorsRules → the S3 API's (two names differ)
        renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
        rules = [{renamed.get(k, k): v for k, v in rule.items()} for rule in props["CorsConfiguration"]["CorsRules"]]
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    if props.get("LifecycleConfiguration"):
        rules = []
        for rule in props["LifecycleConfiguration"]["Rules"]:
            converted: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
            if "ExpirationInDays" in rule:
                converted["Expiration"] = {"Days": int(resolve(rule["ExpirationInDays"], refs))}
            rules.append(converted)
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    refs[name] = bucket
    refs[f"{name}.Arn"] = f"arn:aws:s3:::{bucket}"


def _event_bus(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    bus_name = resolve(props.get("Name", f"{stack}-{name}"), refs)
    arn = clients["events"].create_event_bus(Name=bus_name)["EventBusArn"]
    refs[name] = bus_name
    refs[f"{name}.Arn"] = arn
    refs[f"{name}.Name"] = bus_name


def _queue(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    url = clients["sqs"].create_queue(QueueName=f"{stack}-{name}")["QueueUrl"]
    arn = clients["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    refs[name] = url
    refs[f"{name}.Arn"] = arn
    refs[f"{name}.QueueName"] = f"{stack}-{name}"


def _kms_key(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    metadata = clients["kms"].create_key(
        Description=resolve(props.get("Description", name), refs),
        KeySpec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
        KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
    )["KeyMetadata"]
    refs[name] = metadata["KeyId"]
    refs[f"{name}.Arn"] = metadata["Arn"]
    refs[f"{name}.KeyId"] = metadata["KeyId"]


def _kms_alias(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    alias = resolve(props["AliasName"], refs)
    clients["kms"].create_alias(AliasName=alias, TargetKeyId=resolve(props["TargetKeyId"], refs))
    refs[name] = alias


def _secret(clients: dict[str, Any], name: str, props: dict[str, Any], refs: dict[str, str], stack: str) -> None:
    """The secret with its template filled in and the generated key set, as CloudFormation creates it."""
    generate = props.get("GenerateSecretString") or {}
    value: dict[str, Any] = json.loads(resolve(generate["SecretStringTemplate"], refs)) if "SecretStringTemplate" in generate else {}
    if "GenerateStringKey" in generate:
        value[generate["GenerateStringKey"]] = secrets.token_hex(int(generate.get("PasswordLength", 32)) // 2)
    arn = clients["secretsmanager"].create_secret(Name=f"{stack}-{name}", SecretString=json.dumps(value))["ARN"]
    refs[name] = arn


_CREATORS = {
    "AWS::DynamoDB::Table": _table,
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
    "AWS::Cognito::UserPoolGroup": _user_pool_group,
    "AWS::S3::Bucket": _bucket,
    "AWS::Events::EventBus": _event_bus,
    "AWS::SQS::Queue": _queue,
    "AWS::KMS::Key": _kms_key,
    "AWS::KMS::Alias": _kms_alias,
    "AWS::SecretsManager::Secret": _secret,
}
