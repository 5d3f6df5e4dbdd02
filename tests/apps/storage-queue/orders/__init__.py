import azure.functions as func


def main(order: func.QueueMessage, receipt: func.Out[str]) -> None:
    receipt.set("order " + str(order.get_json()["orderId"]))
