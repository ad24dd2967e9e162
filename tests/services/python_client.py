#!/usr/bin/python3
"""A second language's client: calls arrsd from Python with Debian's python3-grpcio.

Usage: python_client.py HOST:PORT TOKEN PROTO_DIR
Generates Python stubs for arrs.v1 and the standard health and reflection services into a
temporary folder with Debian's protoc and grpc_python_plugin, then checks: health SERVING, reflection lists the
ARRS services, an authenticated query works, a call without a token is UNAUTHENTICATED and
a bad field is INVALID_ARGUMENT. Exits non-zero on the first failure.
"""
import importlib
import os
import subprocess
import sys
import tempfile

import grpc

GRPC_PROTO = "/usr/share/grpc-proto"


def generate(proto_dir, out):
    files = ["arrs/v1/common.proto", "arrs/v1/rules.proto", "arrs/v1/events.proto",
             "arrs/v1/api.proto", "arrs/v1/service.proto"]
    std = ["grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto"]
    args = ["protoc", f"-I{proto_dir}", f"-I{GRPC_PROTO}", f"--python_out={out}",
            "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
            f"--grpc_python_out={out}"] + files + std
    if subprocess.run(args).returncode != 0:
        sys.exit("protoc failed")
    for pkg in ["arrs", "arrs/v1", "grpc", "grpc/health", "grpc/health/v1", "grpc/reflection",
                "grpc/reflection/v1alpha"]:
        open(os.path.join(out, pkg, "__init__.py"), "a").close()


def check(condition, message):
    if not condition:
        sys.exit("FAILED: " + message)
    print("ok:", message)


def main():
    address, token, proto_dir = sys.argv[1:4]
    out = tempfile.mkdtemp(prefix="arrs-py-")
    generate(proto_dir, out)
    # The generated "grpc" package would shadow grpcio: load the standard services from
    # a path alias instead.
    os.rename(os.path.join(out, "grpc"), os.path.join(out, "grpcstd"))
    for root, _, names in os.walk(os.path.join(out, "grpcstd")):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(root, name)
                text = open(path).read().replace("from grpc.health", "from grpcstd.health")
                text = text.replace("from grpc.reflection", "from grpcstd.reflection")
                open(path, "w").write(text)
    sys.path.insert(0, out)
    api = importlib.import_module("arrs.v1.api_pb2")
    service = importlib.import_module("arrs.v1.service_pb2_grpc")
    health_pb2 = importlib.import_module("grpcstd.health.v1.health_pb2")
    health_grpc = importlib.import_module("grpcstd.health.v1.health_pb2_grpc")
    refl_pb2 = importlib.import_module("grpcstd.reflection.v1alpha.reflection_pb2")
    refl_grpc = importlib.import_module("grpcstd.reflection.v1alpha.reflection_pb2_grpc")

    channel = grpc.insecure_channel(address)
    health = health_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    check(health.status == health_pb2.HealthCheckResponse.SERVING, "health check says SERVING")

    reflection = refl_grpc.ServerReflectionStub(channel)
    names = set()
    for response in reflection.ServerReflectionInfo(
            iter([refl_pb2.ServerReflectionRequest(list_services="")]), timeout=10):
        names.update(s.name for s in response.list_services_response.service)
    check({"arrs.v1.CommandService", "arrs.v1.QueryService",
           "arrs.v1.AdminService"} <= names, f"reflection lists the ARRS services: {sorted(names)}")

    queries = service.QueryServiceStub(channel)
    auth = [("authorization", "Bearer " + token)]
    pcns = queries.ListPcns(api.ListPcnsRequest(), metadata=auth, timeout=10)
    check(len(pcns.pcns) >= 1 and pcns.computed_at_position > 0,
          f"ListPcns answers with {len(pcns.pcns)} PCN(s)")
    rules = queries.GetRules(api.RulesRequest(financial_year=2025), metadata=auth, timeout=10)
    check(rules.rules.financial_year == 2025, "GetRules returns the 2025/26 rule book")

    try:
        queries.ListPcns(api.ListPcnsRequest(), timeout=10)
        check(False, "a call without a token is refused")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.UNAUTHENTICATED, "no token is UNAUTHENTICATED")

    commands = service.CommandServiceStub(channel)
    request = api.RegisterPcnRequest(pcn_code="bad code", name="x", icb_code="QAA")
    request.header.request_id = "py-bad-1"
    try:
        commands.RegisterPcn(request, metadata=auth, timeout=10)
        check(False, "a bad pcn_code is refused")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT and "pcn_code" in error.details(),
              f"a bad field is INVALID_ARGUMENT naming it: {error.details()}")
    print("python client: all checks passed")


if __name__ == "__main__":
    main()
