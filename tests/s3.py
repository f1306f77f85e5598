"""A real S3 API server (moto's) on the loopback, and buckets in it, for the tests of object storage."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer

from jobboard.settings.base import object_storages

CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def s3_server_start() -> tuple[ThreadedMotoServer, str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


@dataclass
class Buckets:
    endpoint: str
    media: str
    resumes: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=CREDENTIALS["access_key"],
            aws_secret_access_key=CREDENTIALS["secret_key"],
            region_name=CREDENTIALS["region_name"],
        )

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def storages(self) -> dict:
        return object_storages(
            media_bucket=self.media, resume_bucket=self.resumes, endpoint_url=self.endpoint, **CREDENTIALS
        )


def buckets_create(endpoint: str) -> Buckets:
    suffix = uuid.uuid4().hex[:12]
    buckets = Buckets(endpoint=endpoint, media=f"media-{suffix}", resumes=f"resumes-{suffix}")
    for name in (buckets.media, buckets.resumes):
        buckets.client.create_bucket(Bucket=name)
    buckets.client.put_bucket_policy(Bucket=buckets.media, Policy=json.dumps(public_read_policy(buckets.media)))
    return buckets


def public_read_policy(bucket: str, prefix: str = "media") -> dict:
    """What docs/deployment.md asks of the operator: anyone may read the public prefix, nothing else."""
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{prefix}/*",
    }
    return {"Version": "2012-10-17", "Statement": [statement]}
