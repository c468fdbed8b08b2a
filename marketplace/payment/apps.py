import oscar.apps.payment.apps as oscar_payment


class PaymentConfig(oscar_payment.PaymentConfig):
    name = "marketplace.payment"
