import oscar.apps.order.apps as oscar_order


class OrderConfig(oscar_order.OrderConfig):
    name = "marketplace.order"
