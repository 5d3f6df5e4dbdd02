// Fuzz target: what the host does with Azure Storage's answers (make fuzz).
//
// The input is the body of a storage response. It goes through the parsers
// the triggers and bindings rely on, as each client uses them: the queue
// client's message list (Get Messages, Peek Messages), the blob client's
// listing (List Blobs), and the error mapping every client applies to a
// failed answer (the XML error body), all over the in-memory transport. The
// first byte picks the status code (200, or one of the errors Azure sends),
// so both the success and the error paths get the bytes.
// Built with libFuzzer by `make fuzz`; standalone_main.cc runs it in CTest.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/storage/blob_client.h"
#include "host/storage/connection_string.h"
#include "host/storage/fake_transport.h"
#include "host/storage/queue_client.h"
#include "host/storage/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pyfn::storage;
  if (size == 0) return 0;
  static const int kStatuses[] = {200, 400, 403, 404, 409, 412, 500, 503};
  int status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);

  XmlElement root;
  (void)ParseXml(body, &root);

  FakeTransport fake;
  fake.SetHandler([&](const HttpRequest&, HttpResponse* resp) {
    resp->status = status;
    resp->body = body;
    return Status::OK();
  });
  StorageAccount account = DevelopmentStorageAccount("127.0.0.1", 10000, 10001);
  QueueClient queues(account, &fake);
  std::vector<QueueMessage> messages;
  (void)queues.GetMessages("q", 32, 30, &messages);
  for (const auto& m : messages) {
    std::string decoded;
    (void)queues.DecodeBody(m, &decoded);
  }
  (void)queues.PeekMessages("q", 32, &messages);
  BlobClient blobs(account, &fake);
  ListBlobsResult listing;
  (void)blobs.ListBlobs("c", ListBlobsOptions(), &listing);
  return 0;
}
