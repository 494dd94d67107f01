#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""cri_client.py CONTAINERD SOCKET HANDLER CGROUP_PARENT NAME IMAGE LOGDIR: what the
kubelet does for a pod, through containerd's CRI (runtime.v1) on SOCKET:
run a pod sandbox with runtime handler HANDLER under CGROUP_PARENT, then two
containers of IMAGE in it (one as root; one with runAsUser 1000 and the
RuntimeDefault seccomp profile), exec into each, stop and remove everything.
Container logs go to LOGDIR.
Prints one line per step, "ok STEP" or "fail STEP: WHY"; removes what it
made even after a failure.

No CRI api.proto is packaged for Debian 12: the message types come from the
protobuf descriptor that CONTAINERD (the binary serving SOCKET) embeds, so
client and server agree by construction. Needs python3-grpcio and
python3-protobuf."""
import base64
import json
import sys
import time
import zlib

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

PKG = "runtime.v1"


def load_descriptor(binary):
    """The gzipped FileDescriptorProto of runtime.v1 (api.proto), as Go's
    protobuf registration stores it in the binary."""
    data = open(binary, "rb").read()
    magic = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # Go's gzip, best compression
    i = data.find(magic)
    while i >= 0:
        try:
            raw = zlib.decompressobj(31).decompress(data[i:i + (1 << 20)])
            fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
            if fd.package == PKG and fd.service:
                return fd
        except Exception:  # not a descriptor: gzip data of something else
            pass
        i = data.find(magic, i + 1)
    raise SystemExit(f"cri_client: no {PKG} descriptor in {binary}")


class Cri:
    def __init__(self, binary, socket):
        fd = load_descriptor(binary)
        # gogo.proto only adds options (kept as unknown fields): drop it
        del fd.dependency[:]
        self.pool = descriptor_pool.DescriptorPool()
        self.pool.Add(fd)
        self.factory = message_factory.MessageFactory(self.pool)
        self.service = self.pool.FindServiceByName(PKG + ".RuntimeService")
        self.channel = grpc.insecure_channel("unix://" + socket)

    def msg(self, name):
        desc = self.pool.FindMessageTypeByName(f"{PKG}.{name}")
        get = getattr(message_factory, "GetMessageClass", None)
        return get(desc) if get else self.factory.GetPrototype(desc)

    def call(self, method, request, timeout=60):
        """RuntimeService.METHOD with REQUEST (a dict); the reply as a dict."""
        m = self.service.FindMethodByName(method)
        req_cls, resp_cls = self.msg(m.input_type.name), self.msg(m.output_type.name)
        stub = self.channel.unary_unary(f"/{PKG}.RuntimeService/{method}",
                                        request_serializer=req_cls.SerializeToString,
                                        response_deserializer=resp_cls.FromString)
        reply = stub(json_format.ParseDict(request, req_cls()), timeout=timeout)
        return json_format.MessageToDict(reply, preserving_proto_field_name=True)


class Steps:
    """Runs steps, prints "ok STEP" or "fail STEP: WHY" for each."""

    def __init__(self):
        self.failed = False

    def run(self, name, fn):
        try:
            fn()
        except Exception as e:  # an RPC error or a failed expectation
            why = e.details() if isinstance(e, grpc.RpcError) else str(e)
            print(f"fail {name}: {' '.join(str(why).split())[:400]}", flush=True)
            self.failed = True
            return False
        print(f"ok {name}", flush=True)
        return True


def alive(pid):
    """PID runs (is no zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return pid > 0 and f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def expect(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def main():
    binary, socket, handler, cgroup_parent, name, image, logdir = sys.argv[1:8]
    cri = Cri(binary, socket)
    steps = Steps()
    meta = {"name": name, "uid": name + "-uid", "namespace": "urun-engines", "attempt": 0}
    sandbox_config = {
        "metadata": meta, "log_directory": logdir,  # host network: no hostname
        "linux": {"cgroup_parent": cgroup_parent,
                  "security_context": {"namespace_options": {"network": "NODE"}}},
    }
    pod = {}

    def run_sandbox():
        pod["id"] = cri.call("RunPodSandbox", {"config": sandbox_config,
                                               "runtime_handler": handler})["pod_sandbox_id"]
        status = cri.call("PodSandboxStatus", {"pod_sandbox_id": pod["id"]})
        expect("sandbox state", status["status"].get("state", "SANDBOX_READY"), "SANDBOX_READY")

    if steps.run("run pod sandbox", run_sandbox):
        containers = [
            ("root", "root", {}, "0 0"),
            ("user", "runAsUser 1000, seccomp RuntimeDefault",
             {"run_as_user": {"value": 1000}, "run_as_group": {"value": 1000},
              "seccomp": {"profile_type": "RuntimeDefault"}}, "1000 1000"),
        ]
        for short, label, security, want in containers:
            container(cri, steps, pod["id"], sandbox_config, image, short, label, security, want)
        steps.run("stop pod sandbox", lambda: cri.call("StopPodSandbox", {"pod_sandbox_id": pod["id"]}))
        steps.run("remove pod sandbox", lambda: cri.call("RemovePodSandbox", {"pod_sandbox_id": pod["id"]}))

        def gone():
            items = cri.call("ListPodSandbox", {"filter": {"id": pod["id"]}}).get("items", [])
            expect("sandboxes left", len(items), 0)
        steps.run("no sandbox left", gone)
    sys.exit(1 if steps.failed else 0)


def container(cri, steps, pod_id, sandbox_config, image, short, label, security, want):
    """One container of the pod: create, start, exec, stop, remove."""
    c = {}
    config = {
        "metadata": {"name": short, "attempt": 0},
        "image": {"image": image},
        "command": ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"],
        "log_path": short + ".log",
        "linux": {"security_context": security},
    }

    def create():
        c["id"] = cri.call("CreateContainer", {"pod_sandbox_id": pod_id, "config": config,
                                               "sandbox_config": sandbox_config})["container_id"]

    def start():
        cri.call("StartContainer", {"container_id": c["id"]})
        # still running a second later: an init that fails after the
        # runtime's start (as urun's does) would show as RUNNING at first
        for _ in range(10):
            time.sleep(0.1)
            reply = cri.call("ContainerStatus", {"container_id": c["id"], "verbose": True})
            status = reply["status"]
            if status.get("state") != "CONTAINER_RUNNING":
                raise AssertionError(f"state {status.get('state')}, exit code {status.get('exit_code', 0)}: "
                                     f"{status.get('reason', '')} {status.get('message', '')}")
        # and its init too (containerd may not have seen an exit yet)
        pid = json.loads(reply.get("info", {}).get("info", "{}")).get("pid", 0)
        if not alive(pid):
            raise AssertionError(f"state RUNNING, but its init (pid {pid}) is gone")

    def exec_sync():
        r = cri.call("ExecSync", {"container_id": c["id"], "cmd": ["sh", "-c", "echo $(id -u) $(id -g)"],
                                  "timeout": 20}, timeout=30)
        out = base64.b64decode(r.get("stdout", "")).decode().split()
        expect("exit code", r.get("exit_code", 0), 0)
        expect("id -u, id -g", " ".join(out), want)

    def stop():
        cri.call("StopContainer", {"container_id": c["id"], "timeout": 5})
        for _ in range(50):
            status = cri.call("ContainerStatus", {"container_id": c["id"]})["status"]
            if status.get("state") == "CONTAINER_EXITED":
                return
            time.sleep(0.1)
        expect("state", status.get("state"), "CONTAINER_EXITED")

    if not steps.run(f"create container ({label})", create):
        return
    steps.run(f"start container ({label})", start)
    steps.run(f"exec sync in container ({label})", exec_sync)
    steps.run(f"stop container ({label})", stop)
    steps.run(f"remove container ({label})", lambda: cri.call("RemoveContainer", {"container_id": c["id"]}))


if __name__ == "__main__":
    main()
