#!/usr/bin/env python3
"""Pond's chat-archive sidecar: WeCom's Finance SDK (libWeWorkFinanceSdk_C.so) behind the local HTTP interface
Pond pulls from (docs/adr/0028-chat-archive.md). A reference: standard library only, ctypes over the SDK.

  WEWORK_SDK=/opt/wework/libWeWorkFinanceSdk_C.so SIDECAR_TOKEN=change-me python3 sidecar.py --port 8700

POST /pull    {corpid, secret, seq, limit, timeout}     -> GetChatData's JSON ({errcode, errmsg, chatdata: [...]})
POST /decrypt {items: [{random_key, encrypt_chat_msg}]} -> {errcode: 0, items: [{plaintext} | {errcode, errmsg}]}
POST /media   {corpid, secret, sdkfileid, indexbuf, timeout} -> GetMediaData's piece: {errcode: 0, data (base64), outindexbuf, is_finish}

It holds no keys: Pond RSA-decrypts each item's random key with its own private key and sends it here for DecryptData.
Bind it to 127.0.0.1 (the default) or a private address, and set SIDECAR_TOKEN (Pond sends it as a bearer token).
"""
import argparse
import base64
import ctypes
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Slice(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_char_p), ("len", ctypes.c_int)]


sdk_lib = ctypes.CDLL(os.environ.get("WEWORK_SDK", "./libWeWorkFinanceSdk_C.so"))
sdk_lib.NewSdk.restype = ctypes.c_void_p
sdk_lib.Init.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
sdk_lib.NewSlice.restype = ctypes.POINTER(Slice)
sdk_lib.FreeSlice.argtypes = [ctypes.POINTER(Slice)]
sdk_lib.GetChatData.argtypes = [ctypes.c_void_p, ctypes.c_ulonglong, ctypes.c_uint, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(Slice)]
sdk_lib.DecryptData.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(Slice)]
sdk_lib.GetContentFromSlice.argtypes = [ctypes.POINTER(Slice)]
sdk_lib.GetContentFromSlice.restype = ctypes.c_void_p
sdk_lib.GetSliceLen.argtypes = [ctypes.POINTER(Slice)]
sdk_lib.NewMediaData.restype = ctypes.c_void_p
sdk_lib.FreeMediaData.argtypes = [ctypes.c_void_p]
sdk_lib.GetMediaData.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
sdk_lib.GetOutIndexBuf.argtypes = [ctypes.c_void_p]
sdk_lib.GetOutIndexBuf.restype = ctypes.c_char_p
sdk_lib.GetData.argtypes = [ctypes.c_void_p]
sdk_lib.GetData.restype = ctypes.c_void_p
sdk_lib.GetDataLen.argtypes = [ctypes.c_void_p]
sdk_lib.IsMediaDataFinish.argtypes = [ctypes.c_void_p]

TOKEN = os.environ.get("SIDECAR_TOKEN", "")
PROXY = os.environ.get("SIDECAR_PROXY", "").encode()
PROXY_PASSWD = os.environ.get("SIDECAR_PROXY_PASSWD", "").encode()
_sdks = {}
_lock = threading.Lock()


def sdk_for(corpid, secret):
    """One SDK handle per (corp, secret), initialised once."""
    key = (corpid, secret)
    with _lock:
        if key not in _sdks:
            handle = sdk_lib.NewSdk()
            ret = sdk_lib.Init(handle, corpid.encode(), secret.encode())
            if ret != 0:
                raise SdkError(ret, "Init failed: check the corp id and the archive secret")
            _sdks[key] = handle
        return _sdks[key]


class SdkError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def slice_text(s):
    n = sdk_lib.GetSliceLen(s)
    return ctypes.string_at(sdk_lib.GetContentFromSlice(s), n).decode("utf-8")


def pull(body):
    limit = int(body.get("limit", 100))
    if not 1 <= limit <= 1000:
        raise SdkError(10000, "limit: 1 to 1000")
    handle = sdk_for(str(body["corpid"]), str(body["secret"]))
    s = sdk_lib.NewSlice()
    try:
        ret = sdk_lib.GetChatData(handle, int(body.get("seq", 0)), limit, PROXY, PROXY_PASSWD, int(body.get("timeout", 30)), s)
        if ret != 0:
            raise SdkError(ret, "GetChatData failed")
        return json.loads(slice_text(s))
    finally:
        sdk_lib.FreeSlice(s)


def decrypt(body):
    out = []
    for item in body.get("items", [])[:1000]:
        s = sdk_lib.NewSlice()
        try:
            ret = sdk_lib.DecryptData(item["random_key"].encode(), item["encrypt_chat_msg"].encode(), s)
            out.append({"plaintext": slice_text(s)} if ret == 0 else {"errcode": ret, "errmsg": "DecryptData failed"})
        finally:
            sdk_lib.FreeSlice(s)
    return {"errcode": 0, "errmsg": "ok", "items": out}


def media(body):
    """One GetMediaData call: the piece after `indexbuf` ("" for the first), and where the next one starts."""
    handle = sdk_for(str(body["corpid"]), str(body["secret"]))
    m = sdk_lib.NewMediaData()
    try:
        ret = sdk_lib.GetMediaData(handle, str(body.get("indexbuf", "")).encode(), str(body["sdkfileid"]).encode(), PROXY, PROXY_PASSWD,
                                   int(body.get("timeout", 30)), m)
        if ret != 0:
            raise SdkError(ret, "GetMediaData failed")
        data = ctypes.string_at(sdk_lib.GetData(m), sdk_lib.GetDataLen(m))
        return {"errcode": 0, "errmsg": "ok", "data": base64.b64encode(data).decode(), "outindexbuf": (sdk_lib.GetOutIndexBuf(m) or b"").decode(),
                "is_finish": sdk_lib.IsMediaDataFinish(m) == 1}
    finally:
        sdk_lib.FreeMediaData(m)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if TOKEN and self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.answer(401, {"errcode": 401, "errmsg": "missing or wrong bearer token"})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path == "/pull":
                return self.answer(200, pull(body))
            if self.path == "/decrypt":
                return self.answer(200, decrypt(body))
            if self.path == "/media":
                return self.answer(200, media(body))
            return self.answer(404, {"errcode": 404, "errmsg": "POST /pull, /decrypt or /media"})
        except SdkError as e:
            return self.answer(200, {"errcode": e.code, "errmsg": str(e)})
        except (KeyError, ValueError) as e:
            return self.answer(200, {"errcode": 10000, "errmsg": f"bad request: {e}"})

    def answer(self, status, obj):
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    a = p.parse_args()
    ThreadingHTTPServer((a.host, a.port), Handler).serve_forever()
