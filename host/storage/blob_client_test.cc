#include "host/storage/blob_client.h"

#include <gtest/gtest.h>

#include "host/storage/encoding.h"
#include "host/storage/fake_transport.h"
#include "host/storage/xml.h"

namespace pyfn {
namespace storage {
namespace {

class BlobClientTest : public ::testing::Test {
 protected:
  BlobClientTest()
      : client_(DevelopmentStorageAccount("127.0.0.1", 10000, 10001), &fake_,
                BlobClientOptions{10, 4}, [] { return int64_t{784111777}; }) {}
  FakeTransport fake_;
  BlobClient client_;
};

TEST_F(BlobClientTest, GetBlobReturnsBodyPropertiesAndMetadata) {
  fake_.Enqueue(200, "hello",
                {{"Content-Length", "5"},
                 {"Content-Type", "text/plain"},
                 {"ETag", "\"0x8D1\""},
                 {"Last-Modified", "Fri, 09 Oct 2009 21:04:30 GMT"},
                 {"x-ms-blob-type", "BlockBlob"},
                 {"x-ms-meta-Author", "me"}});
  std::string body;
  BlobProperties props;
  ASSERT_TRUE(client_.GetBlob("samples", "dir/a b.txt", &body, &props).ok());
  EXPECT_EQ(body, "hello");
  EXPECT_EQ(props.content_length, 5);
  EXPECT_EQ(props.content_type, "text/plain");
  EXPECT_EQ(props.etag, "\"0x8D1\"");
  EXPECT_EQ(props.last_modified_unix, 1255122270);
  EXPECT_EQ(props.metadata.at("author"), "me");
  HttpRequest req = fake_.last_request();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, "http://127.0.0.1:10000/devstoreaccount1/samples/dir/a%20b.txt");
  ASSERT_NE(req.Header("Authorization"), nullptr);
  EXPECT_EQ(req.Header("Authorization")->rfind("SharedKey devstoreaccount1:", 0), 0u);
}

TEST_F(BlobClientTest, MissingBlobIsNotFoundNamingAccountOperationAndBlob) {
  fake_.Enqueue(404, "", {{"x-ms-error-code", "BlobNotFound"}});
  std::string body;
  Status s = client_.GetBlob("samples", "nope.txt", &body);
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.error_code(), "BlobNotFound");
  EXPECT_EQ(s.message(), "account devstoreaccount1: GetBlob samples/nope.txt: 404 BlobNotFound");
}

TEST_F(BlobClientTest, NetworkErrorNamesAccountAndOperation) {
  fake_.EnqueueNetworkError("connect to 127.0.0.1:10000: connection refused");
  std::string body;
  Status s = client_.GetBlob("c", "b", &body);
  EXPECT_TRUE(s.IsNetworkError());
  EXPECT_EQ(
      s.message(),
      "account devstoreaccount1: GetBlob c/b: connect to 127.0.0.1:10000: connection refused");
}

TEST_F(BlobClientTest, SmallPutIsOnePutBlob) {
  fake_.Enqueue(201, "", {{"ETag", "\"e1\""}});
  PutBlobOptions o;
  o.content_type = "text/plain";
  o.metadata["k"] = "v";
  o.if_none_match = "*";
  std::string etag;
  ASSERT_TRUE(client_.PutBlob("c", "b.txt", "0123456789", o, &etag).ok());
  EXPECT_EQ(etag, "\"e1\"");
  HttpRequest req = fake_.last_request();
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.body, "0123456789");
  EXPECT_EQ(*req.Header("x-ms-blob-type"), "BlockBlob");
  EXPECT_EQ(*req.Header("Content-Type"), "text/plain");
  EXPECT_EQ(*req.Header("x-ms-meta-k"), "v");
  EXPECT_EQ(*req.Header("If-None-Match"), "*");
}

TEST_F(BlobClientTest, LargePutGoesAsBlocksThenBlockList) {
  for (int i = 0; i < 4; ++i) fake_.Enqueue(201);
  PutBlobOptions o;
  o.content_type = "application/json";
  ASSERT_TRUE(client_.PutBlob("c", "big", "abcdefghijk", o).ok());  // 11 > 10: blocks of 4
  std::vector<HttpRequest> reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 4u);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    EXPECT_NE(reqs[i].url.find("comp=block&blockid="), std::string::npos);
    std::string id = UrlDecode(reqs[i].url.substr(reqs[i].url.find("blockid=") + 8));
    ids.push_back(id);
  }
  EXPECT_EQ(reqs[0].body, "abcd");
  EXPECT_EQ(reqs[1].body, "efgh");
  EXPECT_EQ(reqs[2].body, "ijk");
  EXPECT_EQ(ids[0].size(), ids[2].size());
  EXPECT_NE(reqs[3].url.find("comp=blocklist"), std::string::npos);
  EXPECT_EQ(*reqs[3].Header("x-ms-blob-content-type"), "application/json");
  XmlElement list;
  ASSERT_TRUE(ParseXml(reqs[3].body, &list).ok());
  ASSERT_EQ(list.children.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(list.children[i].name, "Latest");
    EXPECT_EQ(list.children[i].text, ids[i]);
  }
}

TEST_F(BlobClientTest, FailedBlockStopsTheUpload) {
  fake_.Enqueue(201);
  fake_.Enqueue(500);
  Status s = client_.PutBlob("c", "big", "abcdefghijk");
  EXPECT_TRUE(s.IsTransient());
  EXPECT_NE(s.message().find("PutBlock 1 c/big"), std::string::npos) << s.message();
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(BlobClientTest, CreateContainerIsIdempotent) {
  fake_.Enqueue(201);
  fake_.Enqueue(409, "<Error><Code>ContainerAlreadyExists</Code><Message>x</Message></Error>");
  bool created = false;
  ASSERT_TRUE(client_.CreateContainer("c", &created).ok());
  EXPECT_TRUE(created);
  ASSERT_TRUE(client_.CreateContainer("c", &created).ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(fake_.last_request().url,
            "http://127.0.0.1:10000/devstoreaccount1/c?restype=container");
}

TEST_F(BlobClientTest, ListBlobsParsesThePageAndMarker) {
  fake_.Enqueue(200,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                "<EnumerationResults ServiceEndpoint=\"http://x/\" ContainerName=\"c\">"
                "<Prefix>in/</Prefix><MaxResults>2</MaxResults><Blobs>"
                "<Blob><Name>in/a.csv</Name><Properties><Last-Modified>Fri, 09 Oct 2009 21:04:30 "
                "GMT</Last-Modified><Etag>0x1</Etag><Content-Length>3</Content-Length>"
                "<Content-Type>text/csv</Content-Type><BlobType>BlockBlob</BlobType>"
                "<LeaseState>available</LeaseState></Properties>"
                "<Metadata><Color>red</Color></Metadata></Blob>"
                "<Blob><Name>in/b &amp; c.csv</Name><Properties/></Blob>"
                "</Blobs><NextMarker>MARK2</NextMarker></EnumerationResults>");
  ListBlobsOptions o;
  o.prefix = "in/";
  o.marker = "MARK1";
  o.max_results = 2;
  o.include_metadata = true;
  ListBlobsResult r;
  ASSERT_TRUE(client_.ListBlobs("c", o, &r).ok());
  ASSERT_EQ(r.blobs.size(), 2u);
  EXPECT_EQ(r.blobs[0].name, "in/a.csv");
  EXPECT_EQ(r.blobs[0].properties.etag, "0x1");
  EXPECT_EQ(r.blobs[0].properties.content_length, 3);
  EXPECT_EQ(r.blobs[0].properties.metadata.at("color"), "red");
  EXPECT_EQ(r.blobs[1].name, "in/b & c.csv");
  EXPECT_EQ(r.next_marker, "MARK2");
  EXPECT_EQ(fake_.last_request().url,
            "http://127.0.0.1:10000/devstoreaccount1/c?restype=container&comp=list&prefix=in%2F"
            "&marker=MARK1&maxresults=2&include=metadata");
}

TEST_F(BlobClientTest, ListBlobsRejectsGarbage) {
  fake_.Enqueue(200, "<html>proxy error</html>");
  ListBlobsResult r;
  Status s = client_.ListBlobs("c", ListBlobsOptions(), &r);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("account devstoreaccount1: ListBlobs c"), std::string::npos);
}

TEST_F(BlobClientTest, LeaseLifecycleHeaders) {
  fake_.Enqueue(201, "", {{"x-ms-lease-id", "L1"}});
  fake_.Enqueue(200);
  fake_.Enqueue(200);
  fake_.Enqueue(409, "", {{"x-ms-error-code", "LeaseAlreadyPresent"}});
  std::string lease;
  ASSERT_TRUE(client_.AcquireLease("locks", "timer", 15, "P1", &lease).ok());
  EXPECT_EQ(lease, "L1");
  HttpRequest acquire = fake_.last_request();
  EXPECT_EQ(*acquire.Header("x-ms-lease-action"), "acquire");
  EXPECT_EQ(*acquire.Header("x-ms-lease-duration"), "15");
  EXPECT_EQ(*acquire.Header("x-ms-proposed-lease-id"), "P1");
  ASSERT_TRUE(client_.RenewLease("locks", "timer", lease).ok());
  EXPECT_EQ(*fake_.last_request().Header("x-ms-lease-action"), "renew");
  ASSERT_TRUE(client_.ReleaseLease("locks", "timer", lease).ok());
  EXPECT_EQ(*fake_.last_request().Header("x-ms-lease-id"), "L1");
  Status s = client_.AcquireLease("locks", "timer", 15, "", &lease);
  EXPECT_TRUE(s.IsConflict());
  EXPECT_EQ(s.error_code(), "LeaseAlreadyPresent");
}

TEST(BlobPathSplitTest, SplitsContainerAndName) {
  std::string c, b;
  ASSERT_TRUE(SplitBlobPath("samples/dir/x.txt", &c, &b).ok());
  EXPECT_EQ(c, "samples");
  EXPECT_EQ(b, "dir/x.txt");
  EXPECT_FALSE(SplitBlobPath("samples", &c, &b).ok());
  EXPECT_FALSE(SplitBlobPath("/x", &c, &b).ok());
  EXPECT_FALSE(SplitBlobPath("samples/", &c, &b).ok());
}

TEST(BlobClientConfigTest, NoEndpointIsAnError) {
  FakeTransport fake;
  StorageAccount a;
  a.name = "acct";
  a.queue_endpoint = "https://acct.queue.core.windows.net";
  BlobClient client(a, &fake);
  std::string body;
  Status s = client.GetBlob("c", "b", &body);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_TRUE(fake.requests().empty());
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
