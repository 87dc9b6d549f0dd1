"""Government, real estate, legal, nonprofit, science, social media and marketing."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = (
    entries(
        "government",
        """
citizen | entity | resident, taxpayer, constituent, applicant_citizen, user | full_name, birth_date, address, city, registered_at | naming=person rows=5000
service_request | fact | complaint, report_311, request_311, 311_request, issue_report | opened_at, closed_at, category=pothole/graffiti/noise/streetlight/trash/abandoned_vehicle, channel=phone/app/web/walk_in, status@request_status | parents=citizen,agency time=opened_at per=2
agency | entity | department_gov, municipal_office, office, ministry, council | name=public_works/sanitation/transport/parks/police/housing/health, city | rows=12
permit | fact | license, building_permit, business_license, licence | applied_at, permit_type=building/business/event/parking/food, fee$150, status | parents=citizen,agency time=applied_at amount=fee per=0.5
tax_return | fact | tax_filing, return_tax | filed_at, tax_year=2022/2023/2024, taxable_income$48000, tax_due$7000, refund$900 | parents=citizen time=filed_at amount=tax_due per=1
crime_report | fact | police_report, offence, crime, arrest | reported_at, offence_type=theft/burglary/assault/vandalism/fraud/traffic, district, solved=true:0.35/false:0.65 | parents=police_officer time=reported_at per=40
police_officer | entity | cop, constable, patrol_officer, detective | full_name, rank=officer/sergeant/lieutenant/captain, badge_number, hired_at | naming=person rows=300
vote | fact | ballot, voting_record | cast_at, choice=candidate_a/candidate_b/candidate_c/abstain, method=in_person:0.6/mail:0.3/early:0.1 | parents=citizen time=cast_at per=1
""",
    )
    + entries(
        "real_estate",
        """
property | entity | home, house, apartment, flat, condo, real_estate_property, unit_property, building | address, city, property_type, bedrooms, bathrooms, sqft, year_built@built_year, list_price$340000 | naming=place rows=3000
real_estate_agent | entity | realtor, estate_agent, broker_realty, agent | full_name, email, phone, licensed_at | naming=person rows=150
property_listing | fact | home_listing, sale_listing, listing_realty, listing | listed_at, asking_price$350000, days_on_market#35, status@listing_status | parents=property,real_estate_agent time=listed_at amount=asking_price per=1
property_sale | fact | home_sale, closing, deal, sale | closed_at, sale_price, mortgage=true:0.8/false:0.2 | parents=property,real_estate_agent time=closed_at amount=sale_price per=0.3
tenant | entity | renter, lessee, occupant | full_name, email, phone, moved_in_at | naming=person rows=3000
lease | fact | tenancy, rental_agreement, contract_lease | starts_on, ends_on, monthly_rent$1400, deposit$1400 | parents=tenant,property time=starts_on amount=monthly_rent per=1.2
rent_payment | fact | rent | paid_on, amount$1400, late=false:0.9/true:0.1 | parents=lease time=paid_on amount=amount per=12
maintenance_request | fact | repair_request, fix_request | reported_at, issue=plumbing/heating/electrical/appliance/pest, priority, resolved_at | parents=tenant,property time=reported_at per=2
coworking_space | entity | coworking, coworking_location, shared_office, workspace_location | name, city, desks#80, opened_at | naming=place rows=12
desk | entity | hot_desk, meeting_room, workstation, private_office | desk_code@code, desk_type=hot_desk:0.5/dedicated_desk:0.2/meeting_room:0.2/private_office:0.1, capacity#2 | refs=coworking_space rows=400
desk_booking | fact | booking, reservation, desk_reservation, room_booking | booked_at, hours~1..9, status=confirmed:0.85/cancelled:0.1/no_show:0.05 | parents=member,desk time=booked_at per=30
""",
    )
    + entries(
        "legal",
        """
client_legal | entity | legal_client, client | full_name, email, company, became_client_on | naming=person rows=800
lawyer | entity | attorney, solicitor, counsel, barrister, paralegal | full_name, practice_area=litigation/corporate/family/ip/employment/criminal, bar_admitted_year@year, hourly_rate$320 | naming=person rows=60
legal_case | fact | case, lawsuit, matter, litigation, court_case | opened_at, closed_at, case_type, status@case_status, outcome=settled/won/lost/dismissed | parents=client_legal,lawyer time=opened_at per=2
billable_hour | fact | time_record, billing_entry, billable_entry | worked_on, hours, rate$320, description | parents=legal_case,lawyer time=worked_on amount=rate per=40
court_hearing | fact | hearing, trial_date, court_date | scheduled_at, court=district/appeals/family/small_claims, outcome=adjourned/ruled/continued | parents=legal_case time=scheduled_at per=3
judge | entity | magistrate, justice | full_name, court=district/appeals/family/small_claims, appointed_on | naming=person rows=40
contract | entity | agreement, nda, legal_document | contract_type=nda/msa/lease/employment/licensing, signed_on, value$25000 | refs=client_legal naming=title rows=2000
""",
    )
    + entries(
        "nonprofit",
        """
donor | entity | supporter, contributor_donor, benefactor, patron_donor, member | full_name, email, country, first_gift_on | naming=person rows=5000
donation | fact | gift, contribution, pledge | donated_at, amount@donation, channel=online/mail/event/phone, recurring=false:0.75/true:0.25 | parents=donor,fundraising_campaign time=donated_at amount=amount per=3
fundraising_campaign | entity | appeal, fundraiser, drive | name=spring_appeal/giving_tuesday/year_end/gala_2024/clean_water, goal$50000, starts_on | rows=20
volunteer | entity | helper | full_name, email, skills=teaching/driving/cooking/admin/outreach, joined_at | naming=person rows=600
volunteer_shift | fact | volunteering, volunteer_hours, shift_volunteer | started_at, hours, activity=food_bank/tutoring/cleanup/events/admin | parents=volunteer time=started_at per=10
food_parcel | fact | parcel, food_box, hamper, food_package, distribution | distributed_at, items#12, weight_kg~5..20, parcel_type=standard/family/baby/dietary | parents=beneficiary_household,volunteer time=distributed_at per=6
beneficiary_household | entity | household, family, client_household, recipient | household_size#3, postcode, city, registered_at | rows=2000
food_pantry | entity | pantry, food_bank, pantry_site, distribution_site, soup_kitchen | name, city, opened_at, weekly_capacity#300 | naming=place rows=20
pantry_visit | fact | food_bank_visit, pantry_pickup | visited_at, items#12, weight_kg~5..20, parcel_type=standard/family/baby/dietary | parents=beneficiary_household,food_pantry time=visited_at per=3
beneficiary | entity | recipient, aid_recipient, family_served | full_name, household_size#3, city, registered_at | naming=person rows=3000
grant | fact | grant_award, award | awarded_on, amount$25000, funder | parents=fundraising_campaign time=awarded_on amount=amount per=2
""",
    )
    + entries(
        "science",
        """
experiment_run | fact | trial, lab_run, assay, run_experiment | started_at, temperature, ph~4..9, outcome=success:0.7/failure:0.2/inconclusive:0.1 | parents=researcher,lab_instrument time=started_at per=40
sequencing_run | fact | sequencing, genome_run, ngs_run | started_at, platform=illumina_novaseq/illumina_miseq/ont_promethion/pacbio_revio, reads_millions~50..800, q30_pct~80..95, status=passed:0.92/failed:0.08 | parents=researcher,sample time=started_at per=4
sample | entity | specimen, biosample | sample_code@code, sample_type=blood/saliva/tissue/soil/water, collected_at | rows=3000
researcher | entity | scientist, investigator, postdoc, phd_student | full_name, email, field=biology/chemistry/physics/ecology/genetics, joined_at | naming=person rows=120
lab_instrument | entity | instrument, microscope, spectrometer, sequencer | asset_tag@code, instrument_type=spectrometer/microscope/sequencer/centrifuge/hplc, installed_at | rows=60
specimen | entity | sample_lab, biosample, culture | label@code, species=e_coli/s_cerevisiae/m_musculus/a_thaliana, collected_at | rows=2000
observation_record | fact | field_observation, sighting, bird_sighting, survey_record | observed_at, species=robin/sparrow/heron/owl/kestrel/magpie, count_seen#3, latitude, longitude | parents=researcher time=observed_at per=200
clinical_trial_participant | entity | trial_participant, subject, volunteer_subject | full_name, birth_date, sex, arm=placebo:0.5/treatment:0.5, enrolled_at | naming=person rows=800
publication | entity | paper, journal_article, preprint | title, journal=nature/science/cell/plos_one/pnas, published_on, citations#25 | naming=title rows=400
trial_participant | entity | participant, study_participant, enrollee, volunteer, trial_subject | full_name, sex=female/male, birth_date, arm=treatment/placebo, enrolled_at | naming=person refs=trial_site rows=600
trial_site | entity | site, study_site, clinical_site, investigator_site | name, city, country, opened_at | naming=place rows=15
trial_measurement | fact | lab_measurement, trial_assessment, study_measurement | measured_at, systolic_bp~90..180, biomarker~0..50, adverse_event=false:0.93/true:0.07 | parents=trial_participant time=measured_at per=12
""",
    )
    + entries(
        "social",
        """
member | entity | profile, social_user, community_member | username, email, country, followers, joined_at | naming=person rows=5000
post | fact | status_update, tweet, photo, video, upload | posted_at, post_type=text/photo/video/link, likes#30, shares#3 | parents=member time=posted_at per=20
comment | fact | reply, response | commented_at, body, likes#2 | parents=post,member time=commented_at per=3
reaction | fact | like, upvote, heart, emoji_reaction | reacted_at, reaction_type=like:0.7/love:0.15/laugh:0.08/angry:0.03/sad:0.04 | parents=post,member time=reacted_at per=15
follow | fact | friendship, connection, follower, subscription_follow | followed_at | parents=member time=followed_at per=40
swipe | fact | dating_swipe, like_swipe | swiped_at, direction=right:0.4/left:0.6 | parents=member time=swiped_at per=300
dating_match | fact | match, mutual_match | matched_at, messaged=true:0.6/false:0.4, unmatched=false:0.9/true:0.1 | parents=member time=matched_at per=9
group | entity | community, forum, subreddit, channel_group | name=hiking/cooking/gardening/photography/gaming/running/books, privacy=public:0.7/private:0.3, created_at | rows=100
direct_message | fact | dm, private_message, chat | sent_at, body, read=true:0.85/false:0.15 | parents=member time=sent_at per=50
""",
    )
    + entries(
        "marketing",
        """
campaign | entity | marketing_campaign, ad_campaign, email_campaign | name=spring_sale/black_friday/summer_launch/back_to_school/holiday_push/brand_awareness, channel=search/social/email/display/video, budget, starts_on | rows=40
lead | entity | prospect, contact, mql, sales_lead | full_name, email, company, source, created_at | naming=person rows=5000
ad_click | fact | click_ad, ad_clickthrough, click, clickthrough | clicked_at, device, cost_per_click$0.9 | parents=campaign time=clicked_at amount=cost_per_click per=1500
conversion | fact | signup_conversion, goal_completion, sale_conversion | converted_at, revenue$85 | parents=lead,campaign time=converted_at amount=revenue per=0.1
email_send | fact | email, newsletter_send, email_message | sent_at, opened=true:0.22/false:0.78, clicked=true:0.03/false:0.97, bounced=false:0.98/true:0.02 | parents=lead,campaign time=sent_at per=12
sales_opportunity | fact | opportunity, deal_sales, pipeline_deal | created_at, stage=prospecting/qualification/proposal/negotiation/closed_won/closed_lost, amount$18000, close_date | parents=lead,sales_rep time=created_at amount=amount per=0.3
sales_rep | entity | account_executive, sales_representative, salesperson, sdr | full_name, email, region, hired_at | naming=person rows=60
""",
    )
)
