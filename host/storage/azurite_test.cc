// The storage clients against a real Azurite (CTest label "azurite").
//
// Azurite is started with scripts/azurite.sh on free loopback ports in a
// temporary directory and stopped at the end; PYFN_AZURITE_CONNECTION_STRING
// points the test at an Azurite that is already running instead. When Azurite
// cannot be started every test is skipped with the reason.
//
// Besides correctness it measures, on one keep-alive connection, the blob
// round trip (put 1 KiB + get) and the queue put and get+delete rates, and
// prints them as "[ MEASURE ]" lines.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/storage/beast_transport.h"
#include "host/storage/blob_client.h"
#include "host/storage/connection_string.h"
#include "host/storage/encoding.h"
#include "host/storage/queue_client.h"
#include "host/storage/shared_key.h"
#include "host/storage/table_client.h"

#ifndef PYFN_AZURITE_SCRIPT
#define PYFN_AZURITE_SCRIPT "scripts/azurite.sh"
#endif

namespace pyfn {
namespace storage {
namespace {

std::string g_connection_string;
std::string g_skip_reason;

int RunCommand(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class AzuriteEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* cs = std::getenv("PYFN_AZURITE_CONNECTION_STRING");
    if (cs != nullptr && *cs != '\0') {
      g_connection_string = cs;
      return;
    }
    char tmpl[] = "/tmp/pyfn-azurite-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      g_skip_reason = "cannot create a temporary directory";
      return;
    }
    dir_ = tmpl;
    std::string out;
    int rc = RunCommand(std::string(PYFN_AZURITE_SCRIPT) + " start " + dir_ + " 2>&1", &out);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (rc != 0) {
      g_skip_reason = "Azurite could not be started (" + std::string(PYFN_AZURITE_SCRIPT) +
                      " exit " + std::to_string(rc) + "): " + out;
      return;
    }
    g_connection_string =
        out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  }
  void TearDown() override {
    if (dir_.empty()) return;
    std::string out;
    RunCommand(std::string(PYFN_AZURITE_SCRIPT) + " stop " + dir_ + " 2>&1", &out);
    RunCommand("rm -rf " + dir_, &out);
  }

 private:
  std::string dir_;
};

class AzuriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (g_connection_string.empty()) GTEST_SKIP() << g_skip_reason;
    ASSERT_TRUE(ParseConnectionString(g_connection_string, &account_).ok());
    http_ = std::make_unique<BeastTransport>();
    transport_ = std::make_unique<RetryingTransport>(http_.get(), RetryOptions());
    BlobClientOptions bo;
    bo.single_put_max = 2 * 1024 * 1024;
    bo.block_size = 1024 * 1024;
    blobs_ = std::make_unique<BlobClient>(account_, transport_.get(), bo);
    queues_ = std::make_unique<QueueClient>(account_, transport_.get());
    tables_ = std::make_unique<TableClient>(account_, transport_.get());
    suffix_ = NewGuid().substr(0, 8);
  }

  StorageAccount account_;
  std::unique_ptr<BeastTransport> http_;
  std::unique_ptr<RetryingTransport> transport_;
  std::unique_ptr<BlobClient> blobs_;
  std::unique_ptr<QueueClient> queues_;
  std::unique_ptr<TableClient> tables_;
  std::string suffix_;
};

TEST_F(AzuriteTest, BlobPutGetListDelete) {
  const std::string c = "samples-" + suffix_;
  bool created = false;
  ASSERT_TRUE(blobs_->CreateContainer(c, &created).ok());
  EXPECT_TRUE(created);
  ASSERT_TRUE(blobs_->CreateContainer(c, &created).ok());
  EXPECT_FALSE(created);

  PutBlobOptions o;
  o.content_type = "text/plain; charset=utf-8";
  o.metadata["origin"] = "pyfn";
  std::string etag;
  ASSERT_TRUE(blobs_->PutBlob(c, "dir/hello world.txt", "hello, blob", o, &etag).ok());
  EXPECT_FALSE(etag.empty());

  std::string body;
  BlobProperties props;
  Status s = blobs_->GetBlob(c, "dir/hello world.txt", &body, &props);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(body, "hello, blob");
  EXPECT_EQ(props.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(props.content_length, 11);
  EXPECT_EQ(props.etag, etag);
  EXPECT_EQ(props.metadata["origin"], "pyfn");
  EXPECT_EQ(props.blob_type, "BlockBlob");
  EXPECT_GT(props.last_modified_unix, 1600000000);

  BlobProperties head;
  ASSERT_TRUE(blobs_->GetBlobProperties(c, "dir/hello world.txt", &head).ok());
  EXPECT_EQ(head.etag, etag);
  EXPECT_EQ(head.content_length, 11);

  // Missing blob, missing container.
  s = blobs_->GetBlob(c, "nope.txt", &body);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(s.error_code(), "BlobNotFound");
  EXPECT_NE(s.message().find("account devstoreaccount1: GetBlob " + c + "/nope.txt: 404"),
            std::string::npos)
      << s.message();
  s = blobs_->GetBlob("no-such-container-" + suffix_, "x", &body);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(s.error_code(), "ContainerNotFound");
  s = blobs_->GetBlobProperties(c, "nope.txt", &head);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();

  // Create-only put.
  PutBlobOptions create_only;
  create_only.if_none_match = "*";
  s = blobs_->PutBlob(c, "dir/hello world.txt", "again", create_only);
  EXPECT_TRUE(s.IsConflict() || s.IsPreconditionFailed()) << s.ToString();
  // Overwrite only if unchanged.
  PutBlobOptions if_match;
  if_match.if_match = "\"0x0\"";
  s = blobs_->PutBlob(c, "dir/hello world.txt", "again", if_match);
  EXPECT_TRUE(s.IsPreconditionFailed()) << s.ToString();

  // Paged, prefixed listing.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(blobs_->PutBlob(c, "in/" + std::to_string(i) + ".csv", "x").ok());
  }
  ListBlobsOptions lo;
  lo.prefix = "in/";
  lo.max_results = 2;
  lo.include_metadata = true;
  std::vector<std::string> names;
  int pages = 0;
  do {
    ListBlobsResult page;
    s = blobs_->ListBlobs(c, lo, &page);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (const auto& b : page.blobs) names.push_back(b.name);
    lo.marker = page.next_marker;
    ++pages;
  } while (!lo.marker.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names,
            (std::vector<std::string>{"in/0.csv", "in/1.csv", "in/2.csv", "in/3.csv", "in/4.csv"}));

  // Names that need percent-encoding (and sign as encoded).
  const std::string odd = "odd/\xC3\xBCn\xC3\xAF c\xC3\xB8" "de+plus#hash?q=1&x.txt";
  s = blobs_->PutBlob(c, odd, "odd");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(blobs_->GetBlob(c, odd, &body).ok());
  EXPECT_EQ(body, "odd");
  ListBlobsOptions odd_list;
  odd_list.prefix = "odd/";
  ListBlobsResult odd_page;
  ASSERT_TRUE(blobs_->ListBlobs(c, odd_list, &odd_page).ok());
  ASSERT_EQ(odd_page.blobs.size(), 1u);
  EXPECT_EQ(odd_page.blobs[0].name, odd);

  ASSERT_TRUE(blobs_->DeleteBlob(c, "in/0.csv").ok());
  EXPECT_TRUE(blobs_->DeleteBlob(c, "in/0.csv").IsNotFound());
  ASSERT_TRUE(blobs_->DeleteContainer(c).ok());
}

TEST_F(AzuriteTest, BlobLeases) {
  const std::string c = "locks-" + suffix_;
  ASSERT_TRUE(blobs_->CreateContainer(c).ok());
  ASSERT_TRUE(blobs_->PutBlob(c, "timer", "").ok());
  std::string lease, other;
  const std::string proposed = NewGuid();
  Status s = blobs_->AcquireLease(c, "timer", 15, proposed, &lease);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(lease, proposed);
  s = blobs_->AcquireLease(c, "timer", 15, "", &other);
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(s.error_code(), "LeaseAlreadyPresent");
  // Writing a leased blob needs the lease id.
  s = blobs_->PutBlob(c, "timer", "state");
  EXPECT_TRUE(s.IsPreconditionFailed()) << s.ToString();
  PutBlobOptions with_lease;
  with_lease.lease_id = lease;
  EXPECT_TRUE(blobs_->PutBlob(c, "timer", "state", with_lease).ok());
  EXPECT_TRUE(blobs_->RenewLease(c, "timer", lease).ok());
  BlobProperties p;
  ASSERT_TRUE(blobs_->GetBlobProperties(c, "timer", &p).ok());
  EXPECT_EQ(p.lease_state, "leased");
  EXPECT_TRUE(blobs_->ReleaseLease(c, "timer", lease).ok());
  // Free again: someone else can take it, and break it.
  s = blobs_->AcquireLease(c, "timer", -1, "", &other);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(other.empty());
  EXPECT_TRUE(blobs_->BreakLease(c, "timer").ok());
  EXPECT_TRUE(blobs_->AcquireLease(c, "timer", 15, "", &lease).ok());
  // A lease on a missing blob.
  s = blobs_->AcquireLease(c, "missing", 15, "", &lease);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  ASSERT_TRUE(blobs_->DeleteContainer(c).ok());
}

TEST_F(AzuriteTest, LargeBlobGoesInBlocks) {
  const std::string c = "big-" + suffix_;
  ASSERT_TRUE(blobs_->CreateContainer(c).ok());
  std::string data(10 * 1024 * 1024 + 123, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  PutBlobOptions o;
  o.content_type = "application/octet-stream";
  o.metadata["size"] = std::to_string(data.size());
  auto t0 = std::chrono::steady_clock::now();
  Status s = blobs_->PutBlob(c, "data.bin", data, o);
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::string back;
  BlobProperties props;
  s = blobs_->GetBlob(c, "data.bin", &back, &props);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(back == data);
  EXPECT_EQ(props.content_length, static_cast<int64_t>(data.size()));
  EXPECT_EQ(props.metadata["size"], std::to_string(data.size()));
  EXPECT_EQ(props.content_type, "application/octet-stream");
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("[ MEASURE ] 10 MiB blob: put in 11 blocks %.0f ms, get %.0f ms\n", ms(t1 - t0),
              ms(t2 - t1));
  ASSERT_TRUE(blobs_->DeleteContainer(c).ok());
}

TEST_F(AzuriteTest, QueuePutGetDeleteVisibility) {
  const std::string q = "orders-" + suffix_;
  bool created = false;
  ASSERT_TRUE(queues_->CreateQueue(q, &created).ok());
  EXPECT_TRUE(created);
  ASSERT_TRUE(queues_->CreateQueue(q, &created).ok());
  EXPECT_FALSE(created);

  QueueMessage sent;
  ASSERT_TRUE(queues_->PutMessage(q, "{\"id\": 1, \"text\": \"<&>\"}", {}, &sent).ok());
  EXPECT_FALSE(sent.id.empty());
  EXPECT_GT(sent.expiration_time_unix, sent.insertion_time_unix);
  ASSERT_TRUE(queues_->PutMessage(q, std::string("bytes\0\xff", 7)).ok());
  PutMessageOptions forever;
  forever.ttl_seconds = -1;
  ASSERT_TRUE(queues_->PutMessage(q, "third", forever).ok());
  PutMessageOptions hidden;
  hidden.visibility_timeout_seconds = 60;
  ASSERT_TRUE(queues_->PutMessage(q, "hidden", hidden).ok());

  int64_t count = 0;
  ASSERT_TRUE(queues_->GetApproximateMessageCount(q, &count).ok());
  EXPECT_EQ(count, 4);

  std::vector<QueueMessage> peeked;
  ASSERT_TRUE(queues_->PeekMessages(q, 32, &peeked).ok());
  EXPECT_EQ(peeked.size(), 3u);  // the hidden one is not visible

  std::vector<QueueMessage> got;
  Status s = queues_->GetMessages(q, 2, 30, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(got.size(), 2u);
  std::string body;
  ASSERT_TRUE(queues_->DecodeBody(got[0], &body).ok());
  EXPECT_EQ(body, "{\"id\": 1, \"text\": \"<&>\"}");
  EXPECT_EQ(got[0].id, sent.id);
  EXPECT_EQ(got[0].dequeue_count, 1);
  EXPECT_FALSE(got[0].pop_receipt.empty());
  EXPECT_GT(got[0].time_next_visible_unix, got[0].insertion_time_unix);
  ASSERT_TRUE(queues_->DecodeBody(got[1], &body).ok());
  EXPECT_EQ(body, std::string("bytes\0\xff", 7));

  // Delete the first; make the second visible again at once.
  ASSERT_TRUE(queues_->DeleteMessage(q, got[0].id, got[0].pop_receipt).ok());
  std::string stale_receipt = got[1].pop_receipt;
  s = queues_->UpdateVisibility(q, &got[1], 0);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(got[1].pop_receipt, stale_receipt);
  s = queues_->DeleteMessage(q, got[1].id, stale_receipt);
  EXPECT_EQ(s.http_status(), 400) << s.ToString();
  EXPECT_EQ(s.error_code(), "PopReceiptMismatch");

  std::vector<QueueMessage> again;
  ASSERT_TRUE(queues_->GetMessages(q, 32, 30, &again).ok());
  ASSERT_EQ(again.size(), 2u);  // the re-shown one and "third"; "hidden" is still hidden
  bool saw_retry = false;
  for (const auto& m : again) {
    if (m.id == got[1].id) {
      saw_retry = true;
      EXPECT_EQ(m.dequeue_count, 2);
    }
    ASSERT_TRUE(queues_->DeleteMessage(q, m.id, m.pop_receipt).ok());
  }
  EXPECT_TRUE(saw_retry);

  std::vector<QueueMessage> none;
  ASSERT_TRUE(queues_->GetMessages(q, 32, 30, &none).ok());
  EXPECT_TRUE(none.empty());
  ASSERT_TRUE(queues_->ClearMessages(q).ok());
  ASSERT_TRUE(queues_->DeleteQueue(q).ok());
  EXPECT_TRUE(queues_->GetMessages(q, 1, 0, &none).IsNotFound());
}

// The Table service's own Shared Key form, keys that need quoting and
// encoding, Azure's write operations, paging by continuation, JSON errors.
TEST_F(AzuriteTest, TableEntitiesWriteReadQueryPage) {
  if (account_.table_endpoint.empty()) GTEST_SKIP() << "the connection string has no TableEndpoint";
  const std::string t = "people" + suffix_;
  bool created = false;
  Status s = tables_->CreateTable(t, &created);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(created);
  ASSERT_TRUE(tables_->CreateTable(t, &created).ok());
  EXPECT_FALSE(created);

  const std::string pk = "O'Brien & sons %", rk = "r 1+é";
  nlohmann::json wire;
  std::string etag;
  ASSERT_TRUE(EntityFromPlain({{"PartitionKey", pk}, {"RowKey", rk}, {"n", 5000000000LL},
                               {"d", 2.0}, {"s", "x"}},
                              nullptr, nullptr, &wire, &etag)
                  .ok());
  s = tables_->WriteEntity(t, wire, TableWrite::kInsert);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = tables_->WriteEntity(t, wire, TableWrite::kInsert);
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(s.error_code(), "EntityAlreadyExists");
  EXPECT_NE(s.message().find("InsertEntity " + t), std::string::npos) << s.message();

  nlohmann::json got;
  s = tables_->GetEntity(t, pk, rk, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  nlohmann::json plain = EntityToPlain(got);
  EXPECT_EQ(plain["n"], 5000000000LL) << got.dump();
  EXPECT_EQ(plain["d"], 2.0) << got.dump();
  EXPECT_EQ(plain["PartitionKey"], pk);
  EXPECT_TRUE(tables_->GetEntity(t, pk, "nope", &got).IsNotFound());

  wire["s"] = "replaced";
  wire.erase("d");
  wire.erase("d@odata.type");
  ASSERT_TRUE(tables_->WriteEntity(t, wire, TableWrite::kUpsertReplace).ok());
  ASSERT_TRUE(tables_->GetEntity(t, pk, rk, &got).ok());
  EXPECT_EQ(got["s"], "replaced");
  EXPECT_FALSE(got.contains("d"));
  EXPECT_TRUE(tables_->WriteEntity(t, wire, TableWrite::kReplace, "W/\"datetime'2000-01-01T00%3A00%3A00Z'\"")
                  .IsPreconditionFailed());
  ASSERT_TRUE(tables_->WriteEntity(t, wire, TableWrite::kReplace, got["odata.etag"]).ok());
  ASSERT_TRUE(tables_->WriteEntity(t, {{"PartitionKey", pk}, {"RowKey", rk}, {"m", "merged"}},
                                   TableWrite::kUpsertMerge)
                  .ok());
  ASSERT_TRUE(tables_->GetEntity(t, pk, rk, &got).ok());
  EXPECT_EQ(got["s"], "replaced");
  EXPECT_EQ(got["m"], "merged");

  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(tables_->WriteEntity(t, {{"PartitionKey", "q"}, {"RowKey", std::to_string(i)},
                                         {"i", std::to_string(i)}},
                                     TableWrite::kInsert)
                    .ok());
  TableQuery q;
  q.filter = "PartitionKey eq 'q' and i ge '1'";
  std::vector<nlohmann::json> rows;
  ASSERT_TRUE(tables_->QueryEntities(t, q, &rows).ok());
  EXPECT_EQ(rows.size(), 4u);
  q.take = 3;
  ASSERT_TRUE(tables_->QueryEntities(t, q, &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2]["RowKey"], "3");
  ASSERT_TRUE(tables_->QueryEntities(t, TableQuery(), &rows).ok());
  EXPECT_EQ(rows.size(), 6u);

  ASSERT_TRUE(tables_->DeleteEntity(t, pk, rk).ok());
  EXPECT_TRUE(tables_->GetEntity(t, pk, rk, &got).IsNotFound());
  ASSERT_TRUE(tables_->DeleteTable(t).ok());
  s = tables_->QueryEntities(t, TableQuery(), &rows);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  s = tables_->WriteEntity(t, wire, TableWrite::kInsert);
  EXPECT_EQ(s.error_code(), "TableNotFound") << s.ToString();
}

// Paging against the service itself: more entities than one page holds.
TEST_F(AzuriteTest, TableQueryFollowsContinuation) {
  if (account_.table_endpoint.empty()) GTEST_SKIP() << "the connection string has no TableEndpoint";
  const std::string t = "paging" + suffix_;
  ASSERT_TRUE(tables_->CreateTable(t).ok());
  const int n = kTablePageSize + 5;
  for (int i = 0; i < n; ++i) {
    char rk[16];
    std::snprintf(rk, sizeof rk, "%05d", i);
    Status s = tables_->WriteEntity(t, {{"PartitionKey", "p"}, {"RowKey", rk}},
                                    TableWrite::kInsert);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<nlohmann::json> rows;
  ASSERT_TRUE(tables_->QueryEntities(t, TableQuery(), &rows).ok());
  EXPECT_EQ(rows.size(), static_cast<size_t>(n));
  TableQuery q;
  q.take = kTablePageSize + 2;
  ASSERT_TRUE(tables_->QueryEntities(t, q, &rows).ok());
  ASSERT_EQ(rows.size(), static_cast<size_t>(kTablePageSize + 2));
  EXPECT_EQ(rows.back()["RowKey"], "01001");
  ASSERT_TRUE(tables_->DeleteTable(t).ok());
}

TEST_F(AzuriteTest, TableWrongKeyIsAuthFailed) {
  if (account_.table_endpoint.empty()) GTEST_SKIP() << "the connection string has no TableEndpoint";
  StorageAccount bad = account_;
  bad.key = "wrong key bytes";
  TableClient client(bad, transport_.get());
  Status s = client.CreateTable("nokey" + suffix_);
  EXPECT_TRUE(s.IsAuthFailed()) << s.ToString();
  EXPECT_NE(s.message().find("CreateTable nokey"), std::string::npos) << s.message();
}

TEST_F(AzuriteTest, WrongKeyIsAuthFailedNamingAccountAndOperation) {
  StorageAccount bad = account_;
  bad.key = "wrong key bytes";
  BlobClient client(bad, transport_.get());
  std::string body;
  Status s = client.GetBlob("samples", "b.txt", &body);
  EXPECT_TRUE(s.IsAuthFailed()) << s.ToString();
  EXPECT_EQ(s.error_code(), "AuthorizationFailure");
  EXPECT_NE(s.message().find("account devstoreaccount1: GetBlob samples/b.txt: 403"),
            std::string::npos)
      << s.message();
}

TEST_F(AzuriteTest, UnreachableStorageIsANetworkErrorAfterRetries) {
  StorageAccount gone = DevelopmentStorageAccount("127.0.0.1", 1, 1);
  int waits = 0;
  RetryingTransport retrying(
      http_.get(), RetryOptions{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)},
      [&](std::chrono::milliseconds) { ++waits; });
  QueueClient client(gone, &retrying);
  Status s = client.PutMessage("q", "x");
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_TRUE(s.IsTransient());
  EXPECT_EQ(waits, 2);
  EXPECT_NE(s.message().find("account devstoreaccount1: PutMessage q"), std::string::npos);
  EXPECT_NE(s.message().find("connect to 127.0.0.1:1: connection refused"), std::string::npos)
      << s.message();
}

// An account SAS made here (Azure's account-SAS string-to-sign for version
// 2020-12-06 and later) and used through a SharedAccessSignature connection
// string: the SAS path of the clients against a real validator.
TEST_F(AzuriteTest, SharedAccessSignatureConnectionString) {
  const std::string sv = "2021-12-02", se = FormatIso8601(std::time(nullptr) + 3600);
  std::string to_sign =
      account_.name + "\nrwdlacup\nbq\nsco\n\n" + se + "\n\nhttp,https\n" + sv + "\n\n";
  std::string sig = Base64Encode(HmacSha256(account_.key, to_sign));
  std::string sas = "sv=" + sv + "&ss=bq&srt=sco&sp=rwdlacup&se=" + UrlEncode(se) +
                    "&spr=http,https&sig=" + UrlEncode(sig);
  StorageAccount via_sas;
  ASSERT_TRUE(ParseConnectionString("BlobEndpoint=" + account_.blob_endpoint + ";QueueEndpoint=" +
                                        account_.queue_endpoint + ";SharedAccessSignature=" + sas,
                                    &via_sas)
                  .ok());
  EXPECT_EQ(via_sas.name, "devstoreaccount1");
  BlobClient blobs(via_sas, transport_.get());
  QueueClient queues(via_sas, transport_.get());
  const std::string c = "sas-" + suffix_;
  Status s = blobs.CreateContainer(c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(blobs.PutBlob(c, "x.txt", "via sas").ok());
  std::string body;
  ASSERT_TRUE(blobs.GetBlob(c, "x.txt", &body).ok());
  EXPECT_EQ(body, "via sas");
  ASSERT_TRUE(queues.CreateQueue(c).ok());
  ASSERT_TRUE(queues.PutMessage(c, "m").ok());
  std::vector<QueueMessage> got;
  ASSERT_TRUE(queues.GetMessages(c, 1, 5, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  // A tampered signature is refused.
  StorageAccount tampered = via_sas;
  tampered.sas = sas.substr(0, sas.size() - 6) + "AAAA%3D";
  BlobClient bad(tampered, transport_.get());
  EXPECT_TRUE(bad.GetBlob(c, "x.txt", &body).IsAuthFailed());
  ASSERT_TRUE(blobs_->DeleteContainer(c).ok());
  ASSERT_TRUE(queues_->DeleteQueue(c).ok());
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

TEST_F(AzuriteTest, MeasureBlobRoundTripAndQueueRates) {
  const std::string c = "bench-" + suffix_;
  ASSERT_TRUE(blobs_->CreateContainer(c).ok());
  const std::string payload(1024, 'x');
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(blobs_->PutBlob(c, "warm", payload).ok());
  std::vector<double> put_ms, get_ms, rt_ms;
  const int kRounds = 300;
  for (int i = 0; i < kRounds; ++i) {
    std::string name = "rt/" + std::to_string(i);
    auto t0 = Clock::now();
    ASSERT_TRUE(blobs_->PutBlob(c, name, payload).ok());
    auto t1 = Clock::now();
    std::string body;
    ASSERT_TRUE(blobs_->GetBlob(c, name, &body).ok());
    auto t2 = Clock::now();
    ASSERT_EQ(body.size(), payload.size());
    put_ms.push_back(ms(t1 - t0));
    get_ms.push_back(ms(t2 - t1));
    rt_ms.push_back(ms(t2 - t0));
  }
  std::printf(
      "[ MEASURE ] blob 1 KiB, %d rounds, one connection: put p50 %.2f ms p95 %.2f ms; "
      "get p50 %.2f ms p95 %.2f ms; put+get round trip p50 %.2f ms p95 %.2f ms\n",
      kRounds, Percentile(put_ms, .5), Percentile(put_ms, .95), Percentile(get_ms, .5),
      Percentile(get_ms, .95), Percentile(rt_ms, .5), Percentile(rt_ms, .95));

  const std::string q = "bench-" + suffix_;
  ASSERT_TRUE(queues_->CreateQueue(q).ok());
  const int kMessages = 1000;
  auto t0 = Clock::now();
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(queues_->PutMessage(q, "{\"n\": " + std::to_string(i) + "}").ok());
  }
  auto t1 = Clock::now();
  int received = 0;
  while (received < kMessages) {
    std::vector<QueueMessage> batch;
    ASSERT_TRUE(queues_->GetMessages(q, 32, 60, &batch).ok());
    ASSERT_FALSE(batch.empty());
    for (const auto& m : batch) {
      ASSERT_TRUE(queues_->DeleteMessage(q, m.id, m.pop_receipt).ok());
    }
    received += static_cast<int>(batch.size());
  }
  auto t2 = Clock::now();
  std::printf(
      "[ MEASURE ] queue, %d messages, one connection, sequential: put %.0f msg/s; "
      "get (batches of 32) + delete %.0f msg/s\n",
      kMessages, kMessages / (ms(t1 - t0) / 1000), kMessages / (ms(t2 - t1) / 1000));

  // Four threads on one client: the transport's connection pool gives each
  // its own keep-alive connection.
  const int kThreads = 4, kPerThread = 250;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  auto t3 = Clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!queues_->PutMessage(q, std::to_string(t * kPerThread + i)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  auto t4 = Clock::now();
  EXPECT_EQ(failures.load(), 0);
  int64_t count = 0;
  ASSERT_TRUE(queues_->GetApproximateMessageCount(q, &count).ok());
  EXPECT_EQ(count, kThreads * kPerThread);
  std::printf("[ MEASURE ] queue put, %d threads x %d messages: %.0f msg/s\n", kThreads, kPerThread,
              kThreads * kPerThread / (ms(t4 - t3) / 1000));
  // Keep-alive: a handful of connections served thousands of requests.
  std::printf("[ MEASURE ] %llu requests over %llu TCP connections\n",
              static_cast<unsigned long long>(http_->requests_sent()),
              static_cast<unsigned long long>(http_->connections_opened()));
  EXPECT_LT(http_->connections_opened() * 50, http_->requests_sent());
  ASSERT_TRUE(queues_->DeleteQueue(q).ok());
  ASSERT_TRUE(blobs_->DeleteContainer(c).ok());
}

}  // namespace
}  // namespace storage
}  // namespace pyfn

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new pyfn::storage::AzuriteEnvironment);
  return RUN_ALL_TESTS();
}
