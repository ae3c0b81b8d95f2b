#!/usr/bin/python3
"""An independent client of ctgd: Python + grpcio over the public .proto files only.

Generates Python stubs from proto/ at run time, starts the real ctgd in production mode (TLS,
ES256 bearer JWTs) on 127.0.0.1:0, drives a scenario over TLS and checks, without any code of
the project: the resources and their history (types, actors, payloads), the signed checkpoint
(C2SP signed note, Ed25519), RFC 6962 inclusion and consistency proofs (verifiers written
here from RFC 9162), the error model (google.rpc.Status / BadRequest in the
grpc-status-details-bin trailer), authentication, authorization, health and a clean SIGTERM.

Run it alone (Debian's python3, which has grpcio, protobuf, cryptography and jwt):

  /usr/bin/python3 tests/clients/python/scenario_test.py --ctgd build/bin/ctgd \
      --proto-dir proto --protoc /usr/bin/protoc \
      --grpc-python-plugin /usr/bin/grpc_python_plugin \
      --make-dev-certs deploy/make_dev_certs.sh [unittest options, e.g. -v]

Exit code 77 (ctest: skipped) if a Python module or a tool is missing. CTG_KEEP_TMP=1 keeps
the temporary directory (stubs, certificates, config, ctgd's data and stderr).
"""

import argparse
import base64
import contextlib
import datetime
import hashlib
import importlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

SKIP = 77
try:
    import grpc
    import jwt
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                                   Ed25519PublicKey)
    from google.protobuf import json_format
except ImportError as missing:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: {missing}; run with Debian's /usr/bin/python3 (python3-grpcio, "
          "python3-protobuf, python3-cryptography, python3-jwt)", file=sys.stderr)
    sys.exit(SKIP)

RPC_TIMEOUT = 5.0      # seconds, every call
START_TIMEOUT = 20.0   # seconds, for ctgd to print its port
STOP_TIMEOUT = 20.0    # seconds, for ctgd to exit after SIGTERM

ISSUER = "https://idp.caf-valmont.example"
AUDIENCE = "ctg-platform"
KID = "scenario-es256-1"
LOG_ORIGIN = "ctg.caf-valmont.example/log"

# Fictional organisations; every SIREN has a valid Luhn check digit (checked below).
CAF = "779000017"            # Caf de Valmont
VAL_ORBE = "249900028"       # Communauté de communes du Val d'Orbe (the porteur)
SAINT_AUBIN = "219900008"    # Saint-Aubin-sur-Orbe, a member commune
MONT_SAUVIN = "249900036"    # Communauté de communes du Mont Sauvin (signs nothing)

OPTIONS = argparse.Namespace()

# The protos the stubs are generated from: ours, and the googleapis ones they import, plus
# google.rpc (the error model). Health comes from Debian's grpc-proto, flattened (see
# README: a generated module under a `grpc/` path would shadow the grpc package).
CTG_PROTOS = ["common", "partners", "partners_events", "plans", "plans_events", "audit", "admin"]
GOOGLE_PROTOS = ["google/api/field_behavior.proto", "google/api/field_info.proto",
                 "google/api/resource.proto", "google/api/launch_stage.proto",
                 "google/api/client.proto", "google/api/http.proto",
                 "google/api/annotations.proto", "google/rpc/status.proto",
                 "google/rpc/error_details.proto", "google/rpc/code.proto",
                 "google/type/date.proto"]


def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return len(digits) == 9 and total % 10 == 0


# --- RFC 6962 / RFC 9162 Merkle tree verification -----------------------------------------

def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf_hash, proof, root):
    """RFC 9162 §2.1.3.2. True iff `proof` proves `leaf_hash` is leaf `index` of the tree of
    `size` leaves whose root hash is `root`."""
    if index < 0 or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def tree_root(leaf_hashes):
    """RFC 6962 §2.1 MTH over leaf hashes (computed here, for comparison with the server)."""
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hashes[0]
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of 2 smaller than n
    return node_hash(tree_root(leaf_hashes[:k]), tree_root(leaf_hashes[k:]))


def verify_consistency(first, second, first_root, second_root, proof):
    """RFC 9162 §2.1.4.2. True iff `proof` proves the tree of `first` leaves with root
    `first_root` is a prefix of the tree of `second` leaves with root `second_root`."""
    if first < 1 or first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first & (first - 1) == 0:  # an exact power of 2: the old root is the first node
        proof = [first_root] + list(proof)
    if not proof:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


# --- C2SP signed notes (tlog-checkpoint), Ed25519 -----------------------------------------

class NoteError(Exception):
    pass


def parse_verifier_key(text):
    """`name+hexkeyid+base64(0x01 || pubkey)` -> (name, key id bytes, Ed25519PublicKey)."""
    parts = text.split("+", 2)  # the name has no '+'; the base64 may
    if len(parts) != 3 or not parts[0] or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise NoteError(f"malformed verifier key {text!r}")
    name, key_id = parts[0], bytes.fromhex(parts[1])
    raw = base64.b64decode(parts[2], validate=True)
    if len(raw) != 33 or raw[0] != 0x01:
        raise NoteError("verifier key is not an Ed25519 (type 0x01) key")
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4] != key_id:
        raise NoteError("verifier key id does not match its name and key")
    return name, key_id, Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_note(note, verifier_key):
    """Verifies a checkpoint note signed by `verifier_key` (a string). Returns
    (origin, size, root, time line value); raises NoteError otherwise."""
    name, key_id, public_key = parse_verifier_key(verifier_key)
    data = note.encode("utf-8")
    split = data.find(b"\n\n")
    if split < 0 or not data.endswith(b"\n"):
        raise NoteError("not a signed note")
    body, signatures = data[:split + 1], data[split + 2:]
    verified = False
    for line in signatures.split(b"\n")[:-1]:
        match = re.fullmatch(rb"\xe2\x80\x94 (\S+) ([A-Za-z0-9+/=]+)", line)
        if not match:
            raise NoteError(f"malformed signature line {line!r}")
        blob = base64.b64decode(match.group(2), validate=True)
        if match.group(1).decode() != name or blob[:4] != key_id:
            continue  # another key's signature (a witness): ignored
        if len(blob) != 4 + 64:
            raise NoteError("Ed25519 signature of the wrong length")
        try:
            public_key.verify(blob[4:], body)
        except InvalidSignature:
            raise NoteError("signature does not verify") from None
        verified = True
    if not verified:
        raise NoteError(f"no signature by {name}")
    lines = body.decode("utf-8").split("\n")[:-1]
    if len(lines) < 3 or lines[0] != name:
        raise NoteError("origin is not the key name")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise NoteError("malformed tree size")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise NoteError("root hash is not 32 bytes")
    times = [line[5:] for line in lines[3:] if line.startswith("time ")]
    return lines[0], int(lines[1]), root, times[0] if times else None


# --- the scenario ---------------------------------------------------------------------------

class Stubs:
    """The modules generated from the .proto files, imported from a temporary directory."""

    def __init__(self, out_dir):
        protos = [f"ctg/v1/{name}.proto" for name in CTG_PROTOS] + GOOGLE_PROTOS
        health_dir = os.path.join(OPTIONS.grpc_proto_dir, "grpc", "health", "v1")
        reflection_dir = os.path.join(OPTIONS.grpc_proto_dir, "grpc", "reflection", "v1alpha")
        proto_dir = os.path.abspath(OPTIONS.proto_dir)
        command = [OPTIONS.protoc, f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
                   f"--plugin=protoc-gen-grpc_python={OPTIONS.grpc_python_plugin}",
                   f"-I{proto_dir}", f"-I{os.path.join(proto_dir, 'third_party', 'googleapis')}",
                   f"-I{health_dir}", f"-I{reflection_dir}"] + protos + [
                       "health.proto", "reflection.proto"]
        # The names above are virtual paths: run where they cannot match a real file.
        os.makedirs(out_dir)
        subprocess.run(command, check=True, cwd=out_dir, timeout=60)
        sys.path.insert(0, out_dir)
        # google/ in out_dir has no __init__.py, like Debian's dist-packages/google: both are
        # parts of one PEP 420 namespace package. Should `google` be a regular package
        # somewhere, extend its path explicitly.
        import google
        extra = os.path.join(out_dir, "google")
        if extra not in list(google.__path__):
            google.__path__.append(extra)
        m = importlib.import_module
        self.common = m("ctg.v1.common_pb2")
        self.partners = m("ctg.v1.partners_pb2")
        self.partners_grpc = m("ctg.v1.partners_pb2_grpc")
        self.partners_events = m("ctg.v1.partners_events_pb2")
        self.plans = m("ctg.v1.plans_pb2")
        self.plans_grpc = m("ctg.v1.plans_pb2_grpc")
        self.plans_events = m("ctg.v1.plans_events_pb2")
        self.audit = m("ctg.v1.audit_pb2")
        self.audit_grpc = m("ctg.v1.audit_pb2_grpc")
        self.status = m("google.rpc.status_pb2")
        self.error_details = m("google.rpc.error_details_pb2")
        self.date = m("google.type.date_pb2")
        self.health = m("health_pb2")
        self.health_grpc = m("health_pb2_grpc")
        self.reflection = m("reflection_pb2")
        self.reflection_grpc = m("reflection_pb2_grpc")
        self.field_behavior = m("google.api.field_behavior_pb2")
        # Both halves of the namespace must work: ours and the installed google.protobuf.
        self.protobuf_dir = os.path.dirname(m("google.protobuf").__file__)
        # Event type name -> generated class, for decoding AuditEvent.payload.
        self.event_classes = {}
        for module in (self.partners_events, self.plans_events):
            for name in module.DESCRIPTOR.message_types_by_name:
                cls = getattr(module, name)
                self.event_classes[cls.DESCRIPTOR.full_name] = cls


class Ctgd:
    """The real ctgd in production mode, in `root`."""

    def __init__(self, root):
        self.root = root
        certs = os.path.join(root, "certs")
        subprocess.run(["bash", OPTIONS.make_dev_certs, "--dir", certs], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)
        with open(os.path.join(certs, "ca.pem"), "rb") as f:
            self.ca_pem = f.read()
        self.jwt_key = ec.generate_private_key(ec.SECP256R1())
        jwt_pub = os.path.join(root, "idp-es256.pub.pem")
        with open(jwt_pub, "wb") as f:
            f.write(self.jwt_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        self.config = os.path.join(root, "ctgd.textproto")
        with open(self.config, "w") as f:
            f.write(f"""
listen: "127.0.0.1:0"
data_dir: "{root}/data"
metrics_listen: ""
log_origin: "{LOG_ORIGIN}"
shutdown_grace_seconds: 2
tls {{
  cert_file: "{certs}/server.pem"
  key_file: "{certs}/server.key"
}}
auth {{
  issuer: "{ISSUER}"
  audience: "{AUDIENCE}"
  keys {{ key_id: "{KID}" public_key_file: "{jwt_pub}" }}
}}
""")
        self.stderr_path = os.path.join(root, "ctgd.stderr")
        self.stdout_lines = []
        self.port = None
        self.proc = None

    def start(self):
        lines = queue.Queue()
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(
                [OPTIONS.ctgd, f"--config={self.config}"], cwd=self.root,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                text=True, preexec_fn=_die_with_parent)

        def pump():
            for line in self.proc.stdout:
                self.stdout_lines.append(line)
                lines.put(line)
            lines.put(None)
        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while self.port is None:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"ctgd did not print its port in {START_TIMEOUT} s"
                                     + self.diagnostics()) from None
            if line is None:
                raise AssertionError(f"ctgd exited with {self.proc.wait(5)} before serving"
                                     + self.diagnostics())
            match = re.match(r"ctgd: serving on \S+ port (\d+)", line)
            if match:
                self.port = int(match.group(1))

    def stop(self):
        """SIGTERM, then the exit code (None if it had to be killed)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            return None

    def diagnostics(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                stderr = f.read()[-4000:]
        except OSError:
            stderr = ""
        return ("\n--- ctgd stdout ---\n" + "".join(self.stdout_lines)
                + "\n--- ctgd stderr (tail) ---\n" + stderr)


def _die_with_parent():
    # Linux: ctgd gets SIGTERM if this test process dies (e.g. killed by a ctest timeout).
    with contextlib.suppress(Exception):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ScenarioTest(unittest.TestCase):
    """One ctgd for the class; the tests run in name order and build on setUpClass."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ctg-python-client-",
                                   dir=os.environ.get("TEST_TMPDIR") or None)
        cls.addClassCleanup(cls._remove_tmp)
        cls.pb = Stubs(os.path.join(cls.tmp, "gen"))
        cls.ctgd = Ctgd(cls.tmp)
        cls.addClassCleanup(cls.ctgd.stop)
        cls.ctgd.start()
        cls.channel = grpc.secure_channel(
            f"localhost:{cls.ctgd.port}",
            grpc.ssl_channel_credentials(root_certificates=cls.ctgd.ca_pem))
        cls.addClassCleanup(cls.channel.close)
        grpc.channel_ready_future(cls.channel).result(timeout=RPC_TIMEOUT)
        pb = cls.pb
        cls.partners = pb.partners_grpc.PartnersServiceStub(cls.channel)
        cls.plans = pb.plans_grpc.PlansServiceStub(cls.channel)
        cls.audit = pb.audit_grpc.AuditServiceStub(cls.channel)
        cls.health = pb.health_grpc.HealthStub(cls.channel)

        cls.caf_admin = cls.token("agent-7f3a", CAF, ["caf_admin"])
        cls.porteur_admin = cls.token("dgs-val-orbe", VAL_ORBE, ["collectivite_admin"])
        cls.other_admin = cls.token("dgs-mont-sauvin", MONT_SAUVIN, ["collectivite_admin"])

        # The registry, as the Caf's administrator.
        org = pb.partners.Organisation
        cls.organisations = [
            org(siren=CAF, type=pb.partners.ORGANISATION_TYPE_CAF,
                display_name="Caf de Valmont", departement="99"),
            org(siren=VAL_ORBE, type=pb.partners.ORGANISATION_TYPE_EPCI,
                display_name="Communauté de communes du Val d'Orbe", departement="99",
                population=pb.partners.Population(
                    value=23480, year=2022, kind=pb.partners.Population.KIND_MUNICIPALE)),
            org(siren=SAINT_AUBIN, type=pb.partners.ORGANISATION_TYPE_COMMUNE,
                display_name="Saint-Aubin-sur-Orbe", departement="99",
                epci=f"organisations/{VAL_ORBE}"),
            org(siren=MONT_SAUVIN, type=pb.partners.ORGANISATION_TYPE_EPCI,
                display_name="Communauté de communes du Mont Sauvin", departement="99"),
        ]
        cls.registered = [cls.call(cls.partners.CreateOrganisation, cls.caf_admin,
                                   pb.partners.CreateOrganisationRequest(
                                       organisation=o, request_id=str(uuid.uuid4())))
                          for o in cls.organisations]

        # A CTG, drafted by the Caf for the Val d'Orbe; the server names it from request_id.
        cls.create_request_id = str(uuid.uuid4())
        cls.create_request = pb.plans.CreateCtgRequest(
            ctg=pb.plans.Ctg(
                title="CTG du Val d'Orbe 2026-2030", caf=f"organisations/{CAF}",
                porteur=f"organisations/{VAL_ORBE}",
                start_date=pb.date.Date(year=2026, month=1, day=1),
                end_date=pb.date.Date(year=2030, month=12, day=31),
                thematiques=[pb.common.THEMATIQUE_PETITE_ENFANCE,
                             pb.common.THEMATIQUE_JEUNESSE, pb.common.THEMATIQUE_PARENTALITE,
                             pb.common.THEMATIQUE_ANIMATION_VIE_SOCIALE]),
            request_id=cls.create_request_id)
        cls.created = cls.call(cls.plans.CreateCtg, cls.caf_admin, cls.create_request)
        cls.ctg_id = cls.created.name.split("/", 1)[1]

    @classmethod
    def _remove_tmp(cls):
        if os.environ.get("CTG_KEEP_TMP"):
            print(f"\nkept {cls.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def token(cls, subject, siren, roles, *, lifetime=600, key=None, kid=KID, **overrides):
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "org": siren,
                  "roles": roles, "iat": now, "nbf": now, "exp": now + lifetime}
        claims.update(overrides)
        return jwt.encode(claims, key or cls.ctgd.jwt_key, algorithm="ES256",
                          headers={"kid": kid})

    @staticmethod
    def call(method, token, request):
        metadata = [("authorization", f"Bearer {token}")] if token else None
        return method(request, timeout=RPC_TIMEOUT, metadata=metadata)

    def assertRpcError(self, code, method, token, request):
        with self.assertRaises(grpc.RpcError) as caught:
            self.call(method, token, request)
        self.assertEqual(caught.exception.code(), code, caught.exception.details())
        return caught.exception

    def history(self, token, **source):
        events, page_token = [], ""
        while True:
            response = self.call(self.audit.ListEvents, token, self.pb.audit.ListEventsRequest(
                page_size=2, page_token=page_token, **source))  # small pages: paging too
            events.extend(response.events)
            page_token = response.next_page_token
            if not page_token:
                return events

    def verified_checkpoint(self, checkpoint):
        """Verifies a Checkpoint message's note against its verifier key (pinned on first use)
        and that its fields say what the note says. Returns (size, root)."""
        pinned = type(self).__dict__.get("pinned_key")
        if pinned is None:
            type(self).pinned_key = pinned = checkpoint.verifier_key
        self.assertEqual(checkpoint.verifier_key, pinned, "the server's key changed")
        origin, size, root, when = verify_note(checkpoint.note, pinned)
        self.assertEqual(origin, LOG_ORIGIN)
        self.assertEqual(checkpoint.origin, origin)
        self.assertEqual(checkpoint.tree_size, size)
        self.assertEqual(checkpoint.root_hash, root)
        self.assertIsNotNone(when, "the note has no time line")
        signed = datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        self.assertEqual(checkpoint.time.ToDatetime(tzinfo=datetime.timezone.utc), signed)
        return size, root

    def checkpoint_after(self, size):
        """The latest checkpoint, waiting (briefly) until it covers more than `size` events."""
        deadline = time.monotonic() + RPC_TIMEOUT
        while True:
            checkpoint = self.call(self.audit.GetCheckpoint, self.caf_admin,
                                   self.pb.audit.GetCheckpointRequest())
            if checkpoint.tree_size > size or time.monotonic() > deadline:
                return checkpoint
            time.sleep(0.05)

    # --- the tests, in order -------------------------------------------------------------

    def test_01_registry(self):
        for siren in (CAF, VAL_ORBE, SAINT_AUBIN, MONT_SAUVIN):
            self.assertTrue(luhn_ok(siren), siren)
        for sent, got in zip(self.organisations, self.registered):
            self.assertEqual(got.name, f"organisations/{sent.siren}")
            self.assertEqual((got.siren, got.type, got.display_name),
                             (sent.siren, sent.type, sent.display_name))
            self.assertTrue(got.etag)
            self.assertTrue(got.HasField("create_time"))
        # Anyone authenticated reads the registry (public data).
        got = self.call(self.partners.GetOrganisation, self.other_admin,
                        self.pb.partners.GetOrganisationRequest(name=f"organisations/{VAL_ORBE}"))
        self.assertEqual(got.display_name, "Communauté de communes du Val d'Orbe")
        self.assertEqual(got.population.value, 23480)

    def test_02_created_ctg(self):
        pb, ctg = self.pb, self.created
        self.assertRegex(ctg.name, r"^ctgs/[a-z][a-z0-9-]{2,62}$")
        self.assertEqual(ctg.state, pb.plans.CTG_STATE_EN_PREPARATION)
        self.assertEqual([(s.organisation, s.role) for s in ctg.signatories],
                         [(f"organisations/{CAF}", pb.plans.SIGNATORY_ROLE_CAF),
                          (f"organisations/{VAL_ORBE}",
                           pb.plans.SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE)])
        self.assertEqual(list(ctg.warnings), [], "a complete CTG raises no rule warning")
        self.assertTrue(ctg.etag)
        # AIP-155: a retry with the same request_id returns the first result.
        again = self.call(self.plans.CreateCtg, self.caf_admin, self.create_request)
        self.assertEqual((again.name, again.etag), (ctg.name, ctg.etag))

    def test_03_porteur_reads_it_back(self):
        got = self.call(self.plans.GetCtg, self.porteur_admin,
                        self.pb.plans.GetCtgRequest(name=self.created.name))
        self.assertEqual(got.title, "CTG du Val d'Orbe 2026-2030")
        self.assertEqual((got.caf, got.porteur), (f"organisations/{CAF}",
                                                  f"organisations/{VAL_ORBE}"))
        self.assertEqual((got.start_date.year, got.end_date.year), (2026, 2030))
        self.assertEqual(got.etag, self.created.etag)
        listed = self.call(self.plans.ListCtgs, self.porteur_admin,
                           self.pb.plans.ListCtgsRequest())
        self.assertIn(self.created.name, [c.name for c in listed.ctgs])

    def test_04_history(self):
        pb = self.pb
        events = self.history(self.porteur_admin, tag=f"ctg:{self.ctg_id}")
        self.assertTrue(events)
        self.assertEqual(events[0].type, "ctg.v1.CtgDrafted")
        self.assertTrue(all(e.type.startswith("ctg.v1.Ctg") for e in events),
                        [e.type for e in events])
        self.assertEqual([e.position for e in events], sorted(e.position for e in events))
        self.assertEqual(sum(e.type == "ctg.v1.CtgDrafted" for e in events), 1,
                         "the retried CreateCtg appended again")
        for event in events:
            self.assertEqual(event.stream, f"ctg-{self.ctg_id}")
            self.assertIn(f"ctg:{self.ctg_id}", event.tags)
            self.assertEqual(len(event.leaf_hash), 32)
            uuid.UUID(event.event_id)
            actor = event.metadata.actor
            self.assertEqual((actor.subject, actor.organisation, actor.role),
                             ("agent-7f3a", CAF, pb.common.ROLE_CAF_ADMIN))
            self.assertEqual(event.metadata.request_id, self.create_request_id)
            self.assertEqual(event.metadata.command, "/ctg.v1.PlansService/CreateCtg")
            # payload_json is the proto3 JSON of payload, the bytes hashed into the leaf.
            cls = pb.event_classes[event.type]
            self.assertEqual(json_format.Parse(event.payload_json, cls()),
                             cls.FromString(event.payload))
        self.assertEqual(events[0].revision, 0)
        drafted = json.loads(events[0].payload_json)
        self.assertEqual(drafted.get("title"), "CTG du Val d'Orbe 2026-2030")
        self.assertEqual(drafted.get("caf"), f"organisations/{CAF}")
        self.assertEqual(drafted.get("porteur"), f"organisations/{VAL_ORBE}")
        payload = pb.plans_events.CtgDrafted.FromString(events[0].payload)
        self.assertEqual(payload.ctg_id, self.ctg_id)
        added = [pb.plans_events.CtgSignatoryAdded.FromString(e.payload) for e in events
                 if e.type == "ctg.v1.CtgSignatoryAdded"]
        # How the two first signatories are recorded is the server's choice; if it records
        # them as events, they must be the Caf and the porteur.
        for a in added:
            self.assertIn((a.organisation, a.role),
                          [(f"organisations/{CAF}", pb.plans.SIGNATORY_ROLE_CAF),
                           (f"organisations/{VAL_ORBE}",
                            pb.plans.SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE)])
        type(self).drafted_event = events[0]

    def test_05_checkpoint_verifies(self):
        checkpoint = self.call(self.audit.GetCheckpoint, self.porteur_admin,
                               self.pb.audit.GetCheckpointRequest())
        size, _ = self.verified_checkpoint(checkpoint)
        self.assertGreaterEqual(size, len(self.organisations) + 1)
        # Any change of the note, or another key, fails.
        body, _, sigs = checkpoint.note.partition("\n\n")
        lines = body.split("\n")
        forged = "\n".join([lines[0], str(size + 1)] + lines[2:]) + "\n\n" + sigs
        with self.assertRaisesRegex(NoteError, "does not verify"):
            verify_note(forged, checkpoint.verifier_key)
        sig_line = sigs.split("\n")[0]
        blob = bytearray(base64.b64decode(sig_line.rsplit(" ", 1)[1]))
        blob[10] ^= 1
        forged = (body + "\n\n" + sig_line.rsplit(" ", 1)[0] + " "
                  + base64.b64encode(bytes(blob)).decode() + "\n")
        with self.assertRaisesRegex(NoteError, "does not verify"):
            verify_note(forged, checkpoint.verifier_key)
        impostor = Ed25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        raw = b"\x01" + impostor
        key_id = hashlib.sha256(LOG_ORIGIN.encode() + b"\n" + raw).digest()[:4].hex()
        with self.assertRaisesRegex(NoteError, "no signature"):
            verify_note(checkpoint.note,
                        f"{LOG_ORIGIN}+{key_id}+{base64.b64encode(raw).decode()}")
        with self.assertRaisesRegex(NoteError, "key id"):
            name, kid, b64 = checkpoint.verifier_key.split("+", 2)
            verify_note(checkpoint.note, f"{name}+{'0' * 8 if kid != '0' * 8 else '1' * 8}+{b64}")

    def test_06_inclusion_proof(self):
        if not hasattr(type(self), "drafted_event"):
            self.test_04_history()
        event = self.drafted_event
        proof = self.call(self.audit.GetInclusionProof, self.porteur_admin,
                          self.pb.audit.GetInclusionProofRequest(position=event.position,
                                                                 tree_size=0))
        self.assertTrue(proof.HasField("checkpoint"), "tree_size 0 must return the checkpoint")
        size, root = self.verified_checkpoint(proof.checkpoint)
        self.assertEqual((proof.position, proof.tree_size), (event.position, size))
        self.assertEqual(proof.leaf_hash, event.leaf_hash)
        hashes = list(proof.hashes)
        self.assertTrue(hashes, "a tree of several events needs a non-empty path")
        self.assertTrue(verify_inclusion(event.position, size, event.leaf_hash, hashes, root))
        # Tampering with anything fails.
        for i in range(len(hashes)):
            bad = list(hashes)
            bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
            self.assertFalse(verify_inclusion(event.position, size, event.leaf_hash, bad, root))
        self.assertFalse(verify_inclusion(event.position, size, event.leaf_hash, hashes[:-1],
                                          root))
        self.assertFalse(verify_inclusion(event.position, size, event.leaf_hash,
                                          hashes + [root], root))
        other = event.position + 1 if event.position + 1 < size else event.position - 1
        self.assertFalse(verify_inclusion(other, size, event.leaf_hash, hashes, root))
        self.assertFalse(verify_inclusion(event.position, size,
                                          hashlib.sha256(b"\x00forged").digest(), hashes, root))
        # (No check with another size: an inclusion proof alone does not bind the tree size,
        # which is why size and root come from the verified note.)

    def test_07_consistency_proof(self):
        pb = self.pb
        old = self.call(self.audit.GetCheckpoint, self.caf_admin,
                        pb.audit.GetCheckpointRequest())
        old_size, old_root = self.verified_checkpoint(old)
        # A change in between: the member commune becomes a signatory.
        ctg = self.call(self.plans.GetCtg, self.caf_admin,
                        pb.plans.GetCtgRequest(name=self.created.name))
        request_id = str(uuid.uuid4())
        changed = self.call(self.plans.AddSignatory, self.caf_admin, pb.plans.AddSignatoryRequest(
            name=ctg.name, etag=ctg.etag, request_id=request_id,
            signatory=pb.plans.Signatory(organisation=f"organisations/{SAINT_AUBIN}",
                                         role=pb.plans.SIGNATORY_ROLE_COLLECTIVITE_MEMBRE)))
        self.assertIn(f"organisations/{SAINT_AUBIN}", [s.organisation for s in changed.signatories])
        self.assertNotEqual(changed.etag, ctg.etag)
        new = self.checkpoint_after(old_size)
        new_size, new_root = self.verified_checkpoint(new)
        self.assertGreater(new_size, old_size, "no checkpoint covers the new event")

        proof = self.call(self.audit.GetConsistencyProof, self.porteur_admin,
                          pb.audit.GetConsistencyProofRequest(first_size=old_size,
                                                              second_size=new_size))
        self.assertEqual((proof.first_size, proof.second_size), (old_size, new_size))
        hashes = list(proof.hashes)
        self.assertTrue(verify_consistency(old_size, new_size, old_root, new_root, hashes))
        for i in range(len(hashes)):
            bad = list(hashes)
            bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
            self.assertFalse(verify_consistency(old_size, new_size, old_root, new_root, bad))
        self.assertFalse(verify_consistency(old_size, new_size, old_root, new_root, hashes[1:]))
        self.assertFalse(verify_consistency(old_size, new_size, new_root, new_root, hashes))
        self.assertFalse(verify_consistency(old_size, new_size, old_root, old_root, hashes))
        # The latest checkpoint comes with the proof when second_size is 0.
        latest = self.call(self.audit.GetConsistencyProof, self.caf_admin,
                           pb.audit.GetConsistencyProofRequest(first_size=old_size))
        self.assertTrue(latest.HasField("checkpoint"))
        size, root = self.verified_checkpoint(latest.checkpoint)
        self.assertEqual(latest.second_size, size)
        self.assertTrue(verify_consistency(old_size, size, old_root, root, list(latest.hashes)))

        # The change is in the history, with its actor and request id.
        events = self.history(self.porteur_admin, tag=f"ctg:{self.ctg_id}")
        last = events[-1]
        self.assertEqual(last.type, "ctg.v1.CtgSignatoryAdded")
        self.assertEqual(last.metadata.request_id, request_id)
        self.assertEqual(last.metadata.command, "/ctg.v1.PlansService/AddSignatory")
        self.assertEqual(last.metadata.actor.role, pb.common.ROLE_CAF_ADMIN)
        added = pb.plans_events.CtgSignatoryAdded.FromString(last.payload)
        self.assertEqual((added.organisation, added.role),
                         (f"organisations/{SAINT_AUBIN}",
                          pb.plans.SIGNATORY_ROLE_COLLECTIVITE_MEMBRE))
        self.assertLess(last.position, new_size)

    def test_08_whole_log_recomputed(self):
        """Every event through SubscribeEvents (caf_admin): the signed root is the MTH of their
        leaf hashes, every event has a valid inclusion proof, every earlier size a valid
        consistency proof, all against roots computed here."""
        pb = self.pb
        checkpoint = self.call(self.audit.GetCheckpoint, self.caf_admin,
                               pb.audit.GetCheckpointRequest())
        size, root = self.verified_checkpoint(checkpoint)
        stream = self.audit.SubscribeEvents(
            pb.audit.SubscribeEventsRequest(start_position=0), timeout=RPC_TIMEOUT,
            metadata=[("authorization", f"Bearer {self.caf_admin}")])
        leaves = []
        try:
            for item in stream:
                if item.HasField("event"):
                    self.assertEqual(item.event.position, len(leaves), "gap or disorder")
                    leaves.append(item.event.leaf_hash)
                elif item.progress.position >= size:
                    self.assertGreaterEqual(item.progress.log_size, size)
                    break
        finally:
            stream.cancel()
        self.assertGreaterEqual(len(leaves), size)
        leaves = leaves[:size]
        self.assertEqual(tree_root(leaves), root, "the signed root is not the tree of the events")
        for position in range(size):
            proof = self.call(self.audit.GetInclusionProof, self.caf_admin,
                              pb.audit.GetInclusionProofRequest(position=position,
                                                                tree_size=size))
            self.assertEqual(proof.leaf_hash, leaves[position])
            self.assertTrue(verify_inclusion(position, size, leaves[position],
                                             list(proof.hashes), root), position)
        for first in range(1, size + 1):
            proof = self.call(self.audit.GetConsistencyProof, self.caf_admin,
                              pb.audit.GetConsistencyProofRequest(first_size=first,
                                                                  second_size=size))
            self.assertTrue(verify_consistency(first, size, tree_root(leaves[:first]), root,
                                               list(proof.hashes)), first)

    def test_09_invalid_argument_details(self):
        pb = self.pb
        request = pb.plans.CreateCtgRequest(ctg=pb.plans.Ctg(
            caf=f"organisations/{CAF}", porteur=f"organisations/{VAL_ORBE}"),
            request_id=str(uuid.uuid4()))
        error = self.assertRpcError(grpc.StatusCode.INVALID_ARGUMENT, self.plans.CreateCtg,
                                    self.caf_admin, request)
        trailers = dict(error.trailing_metadata() or ())
        self.assertIn("grpc-status-details-bin", trailers)
        status = pb.status.Status.FromString(trailers["grpc-status-details-bin"])
        self.assertEqual(status.code, grpc.StatusCode.INVALID_ARGUMENT.value[0])
        self.assertEqual(status.message, error.details())
        violations = []
        for detail in status.details:
            if detail.Is(pb.error_details.BadRequest.DESCRIPTOR):
                bad_request = pb.error_details.BadRequest()
                detail.Unpack(bad_request)
                violations += [v.field for v in bad_request.field_violations]
        self.assertIn("ctg.title", violations, status)

    def test_10_unauthenticated(self):
        pb = self.pb
        get = pb.plans.GetCtgRequest(name=self.created.name)
        self.assertRpcError(grpc.StatusCode.UNAUTHENTICATED, self.plans.GetCtg, None, get)
        expired = self.token("dgs-val-orbe", VAL_ORBE, ["collectivite_admin"],
                             iat=int(time.time()) - 7200, nbf=int(time.time()) - 7200,
                             exp=int(time.time()) - 3600)
        self.assertRpcError(grpc.StatusCode.UNAUTHENTICATED, self.plans.GetCtg, expired, get)
        stranger = self.token("dgs-val-orbe", VAL_ORBE, ["collectivite_admin"],
                              key=ec.generate_private_key(ec.SECP256R1()))
        self.assertRpcError(grpc.StatusCode.UNAUTHENTICATED, self.plans.GetCtg, stranger, get)
        wrong_audience = self.token("dgs-val-orbe", VAL_ORBE, ["collectivite_admin"],
                                    aud="another-service")
        self.assertRpcError(grpc.StatusCode.UNAUTHENTICATED, self.plans.GetCtg,
                            wrong_audience, get)

    def test_11_other_collectivite_sees_nothing(self):
        pb = self.pb
        hidden = self.assertRpcError(grpc.StatusCode.NOT_FOUND, self.plans.GetCtg,
                                     self.other_admin,
                                     pb.plans.GetCtgRequest(name=self.created.name))
        missing = self.assertRpcError(grpc.StatusCode.NOT_FOUND, self.plans.GetCtg,
                                      self.other_admin,
                                      pb.plans.GetCtgRequest(name="ctgs/nulle-part-2026"))
        # "exactly as one that does not exist": same message but for the name.
        self.assertEqual(hidden.details().replace(self.ctg_id, "X"),
                         missing.details().replace("nulle-part-2026", "X"))
        listed = self.call(self.plans.ListCtgs, self.other_admin, pb.plans.ListCtgsRequest())
        self.assertNotIn(self.created.name, [c.name for c in listed.ctgs])
        self.assertEqual(self.history(self.other_admin, tag=f"ctg:{self.ctg_id}"), [])
        if not hasattr(type(self), "drafted_event"):
            self.test_04_history()
        self.assertRpcError(grpc.StatusCode.NOT_FOUND, self.audit.GetInclusionProof,
                            self.other_admin,
                            pb.audit.GetInclusionProofRequest(
                                position=self.drafted_event.position))

    def test_12_health(self):
        response = self.health.Check(self.pb.health.HealthCheckRequest(service=""),
                                     timeout=RPC_TIMEOUT)
        self.assertEqual(response.status, self.pb.health.HealthCheckResponse.SERVING)

    def test_13_reflection_lists_the_services(self):
        # grpc.reflection.v1alpha, what gRPC 1.51 C++ serves; needs no token.
        stub = self.pb.reflection_grpc.ServerReflectionStub(self.channel)
        request = self.pb.reflection.ServerReflectionRequest(list_services="")
        names = {service.name
                 for response in stub.ServerReflectionInfo(iter([request]), timeout=RPC_TIMEOUT)
                 for service in response.list_services_response.service}
        expected = {"ctg.v1.PartnersService", "ctg.v1.PlansService", "ctg.v1.AuditService",
                    "ctg.v1.AdminService", "grpc.health.v1.Health"}
        self.assertTrue(expected <= names, names)

    def test_99_sigterm_exits_zero(self):
        self.channel.close()
        code = self.ctgd.stop()
        self.assertEqual(code, 0, self.ctgd.diagnostics())

    def test_00_stubs_and_namespace(self):
        # The generated google.* modules and the installed google.protobuf live side by side.
        self.assertTrue(self.pb.field_behavior.__file__.startswith(self.tmp))
        self.assertFalse(self.pb.protobuf_dir.startswith(self.tmp))
        self.assertEqual(self.pb.health.DESCRIPTOR.package, "grpc.health.v1")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ctgd", required=True)
    parser.add_argument("--proto-dir", required=True, help="the repository's proto/")
    parser.add_argument("--protoc", default="/usr/bin/protoc")
    parser.add_argument("--grpc-python-plugin", default="/usr/bin/grpc_python_plugin")
    parser.add_argument("--make-dev-certs", required=True, help="deploy/make_dev_certs.sh")
    parser.add_argument("--grpc-proto-dir", default="/usr/share/grpc-proto",
                        help="Debian's grpc-proto (grpc/health/v1/health.proto)")
    options, rest = parser.parse_known_args()
    for name in ("ctgd", "proto_dir", "protoc", "grpc_python_plugin", "make_dev_certs",
                 "grpc_proto_dir"):  # the tools run in other directories
        setattr(options, name, os.path.abspath(getattr(options, name)))
    vars(OPTIONS).update(vars(options))
    missing = [path for path in (options.protoc, options.grpc_python_plugin,
                                 os.path.join(options.grpc_proto_dir,
                                              "grpc/health/v1/health.proto"))
               if not os.path.isfile(path)] + [tool for tool in ("openssl", "bash")
                                               if not shutil.which(tool)]
    if missing:
        print(f"SKIPPED: missing {', '.join(missing)}", file=sys.stderr)
        return SKIP
    for path in (options.ctgd, options.make_dev_certs):
        if not os.path.isfile(path):
            print(f"FAIL: {path} does not exist", file=sys.stderr)
            return 1
    if not os.access(options.ctgd, os.X_OK):
        print(f"FAIL: {options.ctgd} is not executable (being linked?)", file=sys.stderr)
        return 1
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
