"""Banking, payments, crypto and insurance."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = (
    entries(
        "finance",
        """
bank_customer | entity | account_holder, client_bank, customer | full_name, email, birth_date, country, segment, opened_at | naming=person rows=5000
credit_union_member | entity | member, member_owner | full_name, email, birth_date, country, membership_number@code, joined_at | naming=person rows=5000
bank_account | entity | checking_account, savings_account, deposit_account, account | iban, account_type=checking/savings/business/joint, currency, balance, opened_at | refs=bank_customer,credit_union_member,branch rows=7000
branch | entity | bank_branch | name, city, opened_at | naming=place rows=40
transaction | fact | transfer, bank_transaction, card_transaction, deposit, withdrawal | posted_at, amount, category, channel=card:0.6/online:0.25/atm:0.1/branch:0.05, is_fraud=true:0.005/false:0.995 | parents=bank_account time=posted_at amount=amount per=40
card | entity | credit_card, debit_card, payment_card | card_type, credit_limit, issued_at, expires_on | refs=bank_account rows=6000
loan | fact | mortgage, credit, personal_loan, car_loan | originated_at, principal, interest_rate, term_months=12/24/36/60/120/240/360, status | parents=bank_customer,branch time=originated_at amount=principal per=0.3
repayment | fact | installment, loan_payment | due_on, paid_at, amount$450, late=false:0.93/true:0.07 | parents=loan time=paid_at amount=amount per=12
merchant | entity | payee, store_merchant | name, category=grocery/restaurant/travel/electronics/fuel/online_services, country, onboarded_at | naming=company rows=800
payment | fact | card_payment, charge, purchase_payment | paid_at, amount, currency, payment_method, status, is_fraud=true:0.01/false:0.99 | parents=bank_customer,merchant time=paid_at amount=amount per=25
chargeback | fact | dispute | opened_at, reason=fraud/not_received/not_as_described/duplicate, amount$80, status=won/lost/pending | parents=payment time=opened_at amount=amount per=0.02
invoice | fact | bill | issued_at, due_date, total, status | parents=bank_customer time=issued_at amount=total per=6
expense | fact | expense_report, reimbursement | spent_at, category, amount$85, approved=true:0.9/false:0.1 | parents=employee time=spent_at amount=amount per=10
""",
    )
    + entries(
        "crypto",
        """
trader | entity | crypto_user, investor, crypto_trader, user, customer | username, email, country, kyc_level=none:0.1/basic:0.5/verified:0.4, registered_at | naming=person rows=5000
wallet | entity | crypto_wallet | wallet_address, asset, balance~0..50, created_at | refs=trader rows=8000
crypto_asset | entity | coin, token, cryptocurrency | symbol, name=Bitcoin/Ethereum/Solana/Tether/XRP/Cardano, launched_on | rows=6
trade | fact | crypto_trade, fill, crypto_order | executed_at, side, order_type, quantity~0.001..5, price$30000, fee$2 | parents=trader,crypto_asset time=executed_at amount=price per=30
collector | entity | nft_collector, nft_holder, nft_trader | username, wallet_address@code, country, joined_at | naming=person rows=5000
nft | entity | nft_token, digital_collectible, collectible | name, collection=bored_apes/cryptopunks/azuki/pudgy_penguins/doodles/art_blocks, chain=ethereum:0.7/solana:0.2/polygon:0.1, minted_at | naming=product rows=10000
nft_sale | fact | sale, trade, nft_trade, trade_nft | sold_at, price_eth~0.01..5, chain=ethereum:0.7/solana:0.2/polygon:0.1, marketplace=opensea/blur/magic_eden/looksrare | parents=collector,nft time=sold_at amount=price_eth per=6
exchange | entity | crypto_exchange, trading_venue | name=Binance/Coinbase/Kraken/Bitstamp/OKX/Bybit, country, launched_on | rows=6
blockchain_transfer | fact | on_chain_transfer, crypto_transfer, withdrawal_crypto, transfer | sent_at, amount~0.001..20, network_fee~0.0001..0.01, tx_hash, confirmations#12 | parents=wallet time=sent_at per=6
price_tick | fact | price_quote, candle, quote, tick | observed_at, open_price$30000, close_price$30000, volume~1..5000 | parents=crypto_asset time=observed_at per=2000
trading_pair | entity | pair, currency_pair, market_pair | symbol=BTC-USDT/ETH-USDT/SOL-USDT/BTC-EUR/ETH-BTC/XRP-USDT, base_asset=BTC/ETH/SOL/XRP/ADA, quote_asset=USDT/USD/EUR/BTC, listed_at | rows=40
exchange_order | fact | order, limit_order, market_order | placed_at, side=buy/sell, order_type=limit:0.6/market:0.35/stop:0.05, quantity, price, status=filled:0.6/cancelled:0.3/open:0.1 | parents=trader,trading_pair time=placed_at per=20
""",
    )
    + entries(
        "insurance",
        """
policyholder | entity | insured, insured_person, customer | full_name, birth_date, email, city, customer_since | naming=person rows=5000
policy | entity | insurance_policy, coverage | policy_number, policy_type=auto/home/life/health/travel, premium, deductible, start_date, end_date | refs=policyholder,insurance_agent rows=7000
insurance_claim | fact | claim, loss | filed_at, incident_date, claim_type=collision/theft/water_damage/medical/liability, claimed_amount$2500, status | parents=policy,encounter,admission,appointment,vehicle,property time=filed_at amount=claimed_amount per=0.3
insurance_agent | entity | broker, underwriter, adjuster, claims_adjuster, agent | full_name, email, region, hired_at | naming=person rows=120
premium_payment | fact | premium_instalment | paid_at, amount$95, method | parents=policy time=paid_at amount=amount per=12
quote | fact | insurance_quote | quoted_at, quoted_premium$110, converted=true:0.25/false:0.75 | parents=policyholder time=quoted_at amount=quoted_premium per=1.5
""",
    )
)
