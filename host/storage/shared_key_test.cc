#include "host/storage/shared_key.h"

#include <gtest/gtest.h>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {
namespace {

// The canonicalized-resource example of Azure's "Authorize with Shared Key"
// page (Blob, version 2009-09-19 and later).
TEST(SharedKeyTest, CanonicalizedResourceDocumentedExample) {
  EXPECT_EQ(
      CanonicalizedResource(
          "myaccount",
          "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata"),
      "/myaccount/mycontainer\ncomp:metadata\nrestype:container");
  // Multiple values of one parameter are sorted and comma-joined; names are
  // lower-cased and values decoded.
  EXPECT_EQ(CanonicalizedResource(
                "myaccount",
                "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list"
                "&include=snapshots&include=metadata&include=uncommittedblobs"),
            "/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\n"
            "restype:container");
  EXPECT_EQ(CanonicalizedResource(
                "a", "https://a.queue.core.windows.net/q/messages?PopReceipt=AB%2FC%3D"),
            "/a/q/messages\npopreceipt:AB/C=");
  EXPECT_EQ(CanonicalizedResource("a", "https://a.blob.core.windows.net"), "/a/");
  EXPECT_EQ(CanonicalizedResource("a", "https://a.blob.core.windows.net/?comp=list"),
            "/a/\ncomp:list");
}

TEST(SharedKeyTest, PathStyleUrlRepeatsTheAccount) {
  EXPECT_EQ(CanonicalizedResource("devstoreaccount1",
                                  "http://127.0.0.1:10000/devstoreaccount1/container/blob"),
            "/devstoreaccount1/devstoreaccount1/container/blob");
}

TEST(SharedKeyTest, CanonicalizedHeadersSortedLowerCasedTrimmed) {
  HttpHeaders h = {{"X-MS-Version", "2021-12-02"},
                   {"Content-Type", "text/plain"},
                   {"x-ms-meta-b", "  two "},
                   {"x-ms-date", "Sun, 06 Nov 1994 08:49:37 GMT"},
                   {"x-ms-meta-a", "one"}};
  EXPECT_EQ(CanonicalizedHeaders(h),
            "x-ms-date:Sun, 06 Nov 1994 08:49:37 GMT\nx-ms-meta-a:one\nx-ms-meta-b:two\n"
            "x-ms-version:2021-12-02\n");
}

// The documented example string-to-sign (Get Container Metadata, 2015-02-21)
// with a made-up key; the signature was computed independently (Python hmac).
TEST(SharedKeyTest, DocumentedStringToSignAndSignature) {
  HttpRequest req;
  req.method = "GET";
  req.url =
      "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata"
      "&timeout=20";
  req.headers = {{"x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"}, {"x-ms-version", "2015-02-21"}};
  EXPECT_EQ(SharedKeyStringToSign("myaccount", req),
            "GET\n\n\n\n\n\n\n\n\n\n\n\n"
            "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2015-02-21\n"
            "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20");
  std::string key;
  ASSERT_TRUE(Base64Decode("bm90LWEtcmVhbC1rZXktMDEyMzQ1Njc4OQ==", &key));
  SignSharedKey("myaccount", key, &req);
  ASSERT_NE(req.Header("Authorization"), nullptr);
  EXPECT_EQ(*req.Header("Authorization"),
            "SharedKey myaccount:MhU8MTyFTMTquM/caAALqNsUADo0i31a6OQvGaEPApM=");
}

// A Put Blob to Azurite: body length, content type, x-ms-* headers and an
// encoded path-style URL. Expected signature computed with Python's hmac.
TEST(SharedKeyTest, PutBlobAgainstAzuriteVector) {
  HttpRequest req;
  req.method = "PUT";
  req.url = "http://127.0.0.1:10000/devstoreaccount1/samples/dir/a%20b.txt";
  req.body = "hello world";
  req.headers = {{"Content-Type", "text/plain; charset=utf-8"},
                 {"x-ms-blob-type", "BlockBlob"},
                 {"x-ms-meta-color", "blue"}};
  StorageAccount account = DevelopmentStorageAccount("127.0.0.1", 10000, 10001);
  AuthorizeRequest(account, 784111777, &req);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(*req.Header("x-ms-date"), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(*req.Header("x-ms-version"), std::string(kStorageApiVersion));
  EXPECT_EQ(SharedKeyStringToSign("devstoreaccount1", req),
            "PUT\n\n\n11\n\ntext/plain; charset=utf-8\n\n\n\n\n\n\n"
            "x-ms-blob-type:BlockBlob\nx-ms-date:Sun, 06 Nov 1994 08:49:37 GMT\n"
            "x-ms-meta-color:blue\nx-ms-version:2021-12-02\n"
            "/devstoreaccount1/devstoreaccount1/samples/dir/a%20b.txt");
  EXPECT_EQ(*req.Header("Authorization"),
            "SharedKey devstoreaccount1:I5AdBCn+I1zxb4lgjcrBko98V5Iq1SmSlKe5VD+YfxY=");
}

TEST(SharedKeyTest, ZeroContentLengthSignsAsEmpty) {
  HttpRequest req;
  req.method = "PUT";
  req.url = "https://a.blob.core.windows.net/c?restype=container";
  req.headers = {{"Content-Length", "0"}};
  EXPECT_EQ(SharedKeyStringToSign("a", req).substr(0, 8), "PUT\n\n\n\n\n");
}

TEST(SharedKeyTest, SasGoesIntoTheQueryAndNoAuthorizationHeader) {
  StorageAccount a;
  a.name = "acct";
  a.sas = "sv=2021-12-02&ss=bq&sig=abc%3D";
  HttpRequest req;
  req.url = "https://acct.blob.core.windows.net/c/b";
  AuthorizeRequest(a, 0, &req);
  EXPECT_EQ(req.url, "https://acct.blob.core.windows.net/c/b?sv=2021-12-02&ss=bq&sig=abc%3D");
  EXPECT_EQ(req.Header("Authorization"), nullptr);
  req.url = "https://acct.blob.core.windows.net/c?restype=container";
  AuthorizeRequest(a, 0, &req);
  EXPECT_EQ(
      req.url,
      "https://acct.blob.core.windows.net/c?restype=container&sv=2021-12-02&ss=bq&sig=abc%3D");
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
