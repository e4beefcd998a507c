"""Test files the plugin's tests run through pytester."""

# A test whose client sends the same refused create twice: retried_non_retryable.
RETRIES_A_BAD_REQUEST = """
import json, urllib.request, urllib.error

def test_retries_a_bad_request(videomock):
    body = json.dumps({"model": "sora-2", "prompt": "p", "seconds": "7"}).encode()
    for _ in range(2):
        request = urllib.request.Request(videomock.base_url() + "/videos", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **videomock.headers})
        try:
            urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            assert error.code == 400
"""
