"""A small Language Server Protocol client over stdio (JSON-RPC with
Content-Length framing), enough to drive clangd from the tests and from the
latency measurement: requests, notifications, and waiting for a notification
that satisfies a predicate. Requests the server sends (progress tokens,
capability registration) are answered with a null result."""

import json
import os
import queue
import subprocess
import threading
import time


class LspError(Exception):
    pass


class LspClient:
    def __init__(self, command, cwd=None, env=None, stderr_path=os.devnull):
        self._stderr = open(stderr_path, "wb")
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._stderr)
        self._next_id = 0
        self._responses = {}
        self._notifications = queue.Queue()
        self._condition = threading.Condition()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- wire ---------------------------------------------------------------
    def _send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read_message(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if length is None:
            raise LspError("message without Content-Length")
        return json.loads(self.process.stdout.read(length))

    def _read_loop(self):
        while True:
            try:
                message = self._read_message()
            except (ValueError, LspError, OSError):
                message = None
            if message is None:
                self._notifications.put(None)
                with self._condition:
                    self._condition.notify_all()
                return
            if "id" in message and "method" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                with self._condition:
                    self._responses[message["id"]] = message
                    self._condition.notify_all()
            else:
                self._notifications.put((time.monotonic(), message))

    # -- API ----------------------------------------------------------------
    def request(self, method, params, timeout=60):
        self._next_id += 1
        ident = self._next_id
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._condition:
            while ident not in self._responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise LspError("no response to %s" % method)
                self._condition.wait(remaining)
            response = self._responses.pop(ident)
        if "error" in response:
            raise LspError("%s failed: %s" % (method, response["error"]))
        return response.get("result")

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, predicate, timeout=120):
        """The first notification (arrival time, message) that satisfies the
        predicate; other notifications are dropped."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LspError("timed out waiting for a notification")
            try:
                item = self._notifications.get(timeout=remaining)
            except queue.Empty:
                continue
            if item is None:
                raise LspError("the server closed its output")
            if predicate(item[1]):
                return item

    def wait_for_diagnostics(self, uri, version=None, timeout=120):
        def matches(message):
            if message.get("method") != "textDocument/publishDiagnostics":
                return False
            params = message["params"]
            return params["uri"] == uri and (version is None or params.get("version") == version)
        arrived, message = self.wait_for(matches, timeout)
        return arrived, message["params"]["diagnostics"]

    def initialize(self, root):
        result = self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": uri_of(root),
            "capabilities": {"textDocument": {"publishDiagnostics": {
                "relatedInformation": True, "versionSupport": True,
                "codeDescriptionSupport": True}}},
        })
        self.notify("initialized", {})
        return result

    def open(self, path, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri_of(path), "languageId": "cpp", "version": version, "text": text}})

    def change(self, path, text, version):
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri_of(path), "version": version},
            "contentChanges": [{"text": text}]})

    def shutdown(self, timeout=30):
        """Shuts the server down cleanly; returns its exit status."""
        try:
            self.request("shutdown", None, timeout)
            self.notify("exit", None)
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process.stdin.close()
            self.process.stdout.close()
            self._stderr.close()


def uri_of(path):
    return "file://" + os.path.abspath(path)
