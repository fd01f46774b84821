"""Four threads sign requests for a batch of accounts; each account's signing
key is derived from its secret once (PBKDF2, 20 000 rounds), lazily, and
cached on the account. VARIANT=bad caches it with the standard library's
functools.cached_property, which in CPython 3.8–3.11 takes one lock per
*class* (an RLock in cached_property.__get__) and holds it while the wrapped
function runs: the key derivations, which release the GIL to run on every
core, run one account at a time. The good form caches the key in the
instance's __dict__ with no lock, as cached_property does from 3.12 on.
Usage: keys.py ACCOUNTS"""
import functools
import hashlib
import os
import sys
import threading

BAD = os.environ.get("VARIANT") == "bad"


class Account:
    def __init__(self, number):
        self.secret = b"secret-%d" % number
        self.salt = b"salt-%d" % number

    def _derive_key(self):
        return hashlib.pbkdf2_hmac("sha256", self.secret, self.salt, 20_000)

    if BAD:
        signing_key = functools.cached_property(_derive_key)
    else:
        @property
        def signing_key(self):
            key = self.__dict__.get("_signing_key")
            if key is None:
                key = self.__dict__["_signing_key"] = self._derive_key()
            return key


def sign_requests(accounts, signed):
    for account in accounts:
        for request in range(3):
            signed.append(hashlib.sha256(account.signing_key + b"request-%d" % request).digest())


def main(count):
    accounts = [Account(n) for n in range(count)]
    signed = [[] for _ in range(4)]
    threads = [threading.Thread(target=sign_requests, args=(accounts[k::4], signed[k]), name="signer-%d" % k)
               for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sum(map(len, signed)), "requests signed")


main(int(sys.argv[1]))
