"""Retail, marketplaces, food and restaurants."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = (
    entries(
        "retail",
        """
customer | entity | shopper, buyer, client, consumer, bidder, purchaser | full_name, email, country, city, signup_at | naming=person rows=5000
product | entity | item, sku, article, good, merchandise | name, category, price, brand=acme/northwind/globex/initech/umbrella/contoso, created_at | naming=product rows=800 refs=category,supplier
wine | entity | wine_bottle, bottle | name, color=red:0.5/white:0.35/rose:0.1/sparkling:0.05, grape=merlot/cabernet/pinot_noir/chardonnay/sauvignon_blanc/riesling/syrah, region, vintage~2010..2023, price$24 | naming=product rows=800
category | entity | product_category, department_store_section | name=electronics/home/clothing/beauty/sports/toys/books/grocery | rows=8
store | entity | shop, outlet, retail_store, supermarket | name, city, country, opened_at | naming=place rows=40
order | fact | purchase, sale, online_order, transaction_order | ordered_at, status, channel, total, shipping_method | parents=customer,store time=ordered_at amount=total per=4
order_item | fact | order_line, line_item, basket_item | quantity, unit_price, discount | parents=order,product per=2.5
cart | fact | basket, shopping_cart | created_at, abandoned=true:0.7/false:0.3, items#3 | parents=customer time=created_at per=3
return | fact | refund, product_return | returned_at, reason, refund_amount$40 | parents=order time=returned_at amount=refund_amount per=0.08
review | fact | product_review, rating_review | reviewed_at, rating, review_text | parents=customer,product time=reviewed_at per=1
supplier | entity | vendor, wholesaler, distributor | name, country, lead_time_days#12, onboarded_at | naming=company rows=60
inventory | fact | stock_level, stock_count, inventory_snapshot | counted_at, quantity_on_hand#40, reorder_point#15 | parents=product,store time=counted_at per=12
promotion | entity | promo, campaign_promo, discount_code, coupon | code, discount_pct=0.1/0.15/0.2/0.25/0.3, starts_at, ends_at | rows=50
loyalty_member | entity | loyalty_account, rewards_member | tier, points_balance#1200, enrolled_at | refs=customer rows=3000
""",
    )
    + entries(
        "marketplace",
        """
seller | entity | host_seller, shop_owner, marketplace_seller, vendor_shop | name, country, rating, joined_at | naming=company rows=400
listing | entity | offer, ad, classified, posting | title, category, price, condition, listed_at, status | refs=seller naming=product rows=6000
marketplace_order | fact | marketplace_purchase, order | ordered_at, quantity, total$45, status | parents=customer,listing time=ordered_at amount=total per=3
seller_review | fact | seller_rating, feedback | reviewed_at, rating, comment | parents=customer,seller time=reviewed_at per=1
auction | entity | lot_auction | title, starts_at, ends_at, reserve_price$200 | naming=product rows=500
bid | fact | auction_bid | placed_at, bid_amount$220 | parents=auction,customer time=placed_at amount=bid_amount per=8
message | fact | chat_message, inquiry | sent_at, body | parents=customer,seller time=sent_at per=4
""",
    )
    + entries(
        "food",
        """
restaurant | entity | eatery, diner, bistro, cafe, pizzeria, bakery, food_truck | name, cuisine, city, rating, opened_at | naming=place rows=200
menu_item | entity | dish, meal, menu, pastry, drink | name=margherita_pizza/caesar_salad/pad_thai/cheeseburger/ramen/falafel_wrap/tiramisu/croissant/latte/sushi_roll/chicken_curry/tacos, category, price$14, calories | refs=restaurant rows=2000
courier | entity | delivery_driver, rider_courier, dasher, driver | full_name, vehicle=bike/scooter/car, rating, joined_at | naming=person rows=500
food_order | fact | delivery_order, takeaway_order, meal_order, order | ordered_at, delivered_at, subtotal$28, delivery_fee, tip, status | parents=customer,restaurant,courier time=ordered_at amount=subtotal per=6
table_reservation | fact | reservation_restaurant, dinner_reservation, reservation, booking | reserved_at, party_size#3, status | parents=customer,restaurant time=reserved_at per=2
recipe | entity | | name=lasagna/pho/paella/shakshuka/risotto/biryani/goulash/ceviche, cuisine, prep_minutes#35, servings#4 | rows=300
ingredient | entity | | name=flour/sugar/butter/eggs/milk/tomato/onion/garlic/rice/chicken/olive_oil/basil, unit, cost_per_unit$2.5 | rows=120
""",
    )
)
