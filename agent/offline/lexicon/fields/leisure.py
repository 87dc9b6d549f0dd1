"""Hospitality, travel, media, gaming and sports."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = (
    entries(
        "hospitality",
        """
guest | entity | hotel_guest, lodger, customer | full_name, email, country, loyalty_tier=none/silver/gold/platinum, registered_at | naming=person rows=5000
hotel | entity | inn, resort, motel, hostel, lodge | name, city, country, stars=2/3/4/5, rooms#120, opened_at | naming=place rows=30
room | entity | hotel_room, suite | room_number#300, room_type, nightly_rate$140, floor#4 | refs=hotel rows=3000
room_service_order | fact | room_service, in_room_dining | ordered_at, item=club_sandwich/burger/caesar_salad/pasta/breakfast/wine/dessert, quantity#1, total$38 | parents=room time=ordered_at amount=total per=2
hotel_booking | fact | stay, hotel_stay, hotel_reservation, booking, reservation | booked_at, check_in_date, nights, nightly_rate$140, channel=direct/booking_com/expedia/agent, status | parents=guest,room time=booked_at amount=nightly_rate per=2
housekeeping_task | fact | housekeeping, cleaning | scheduled_at, task=clean/turnover/deep_clean/linen_change, duration_minutes | parents=room time=scheduled_at per=20
host | entity | property_host, landlord_host | full_name, superhost=true:0.2/false:0.8, joined_at | naming=person rows=800
rental_property | entity | vacation_rental, apartment_rental, airbnb, short_let | name, city, property_type, nightly_rate$120, bedrooms | refs=host naming=place rows=2000
""",
    )
    + entries(
        "travel",
        """
traveler_account | entity | tourist, holidaymaker, vacationer, traveler, traveller, customer | full_name, email, country, signup_at | naming=person rows=5000
tour | entity | excursion, tour_package, package_holiday, itinerary | name, destination=Rome/Paris/Kyoto/Lisbon/Cusco/Cape_Town/Reykjavik/Bali, duration_days#5, price$900 | naming=title rows=200
tour_booking | fact | trip_booking, package_booking, travel_booking, booking, reservation | booked_at, departure_date, travellers#2, total$1800, status | parents=traveler_account,tour time=booked_at amount=total per=1.5
destination | entity | city_destination | name=Rome/Paris/Kyoto/Lisbon/Cusco/Cape_Town/Reykjavik/Bali/New_York/Barcelona, country, region | rows=10
travel_agent | entity | agent_travel, tour_operator_agent, agent | full_name, email, hired_at | naming=person rows=80
car_rental | fact | car_hire, rental_car_booking | picked_up_at, returned_at, daily_rate$55, car_class=economy/compact/suv/premium/van | parents=traveler_account time=picked_up_at amount=daily_rate per=0.5
aircraft | entity | plane, airplane, jet, airliner | tail_number@code, model=A320/A321neo/B737_800/B787_9/E190/ATR_72, seats#180, in_service_since | rows=40
""",
    )
    + entries(
        "media",
        """
subscriber | entity | viewer, listener, reader, audience_member, user, customer, member | full_name, email, country, plan, subscribed_at | naming=person rows=5000
show | entity | tv_show, series, programme, program | title, genre, release_year, seasons#3 | naming=title rows=300
episode | entity | | title, season#2, episode_number#6, duration_minutes, released_on | refs=show naming=title rows=3000
download | fact | episode_download, podcast_download, listen, play | downloaded_at, country, device=iphone:0.5/android:0.35/desktop:0.1/smart_speaker:0.05, app=apple_podcasts:0.45/spotify:0.4/other:0.15 | parents=episode time=downloaded_at per=500
movie | entity | film, feature | title, genre, release_year, duration_minutes, rating | naming=title rows=1000
song | entity | track, tune | title, genre, duration_seconds, release_year | refs=artist naming=title rows=5000
artist | entity | musician, band, singer, performer | name, genre, country, debut_year | naming=person rows=600
album | entity | record, lp | title, release_year, genre | refs=artist naming=title rows=1200
stream | fact | play, listen, view, watch, viewing, streaming_session, session | started_at, watched_minutes#35, device, completed=true:0.6/false:0.4 | parents=subscriber,show time=started_at amount=watched_minutes per=40
article | entity | story, news_article, blog_post | title, section=news/sport/business/culture/opinion/tech, word_count#800, published_at | refs=author naming=title rows=2000
author | entity | writer, journalist, reporter, columnist | full_name, email, joined_at | naming=person rows=150
book | entity | title_book, novel | title, genre, isbn, pages, published_on | refs=author naming=title rows=3000
podcast | entity | podcast_show | title, genre, launched_on | naming=title rows=200
page_view | fact | pageview, article_view, read | viewed_at, time_on_page_seconds, referrer, device | parents=subscriber,article time=viewed_at per=30
ad_impression | fact | impression, ad_view | shown_at, placement=banner/preroll/sidebar/native, clicked=true:0.02/false:0.98, cost$0.004 | parents=campaign time=shown_at per=5000
cinema | entity | movie_theater, movie_theatre, multiplex, picture_house | name, city, screens#8, opened_at | naming=place rows=12
screening | fact | showing, showtime, film_screening | starts_at, film=dune_part_two/inside_out_2/oppenheimer/wicked/the_wild_robot/gladiator_ii, screen_number~1..12, seats_sold#80 | parents=cinema time=starts_at per=1500
cinema_ticket | fact | ticket_sale, movie_ticket, admission, ticket | sold_at, ticket_type=adult:0.6/child:0.2/student:0.12/senior:0.08, price$11 | parents=screening time=sold_at amount=price per=60
""",
    )
    + entries(
        "gaming",
        """
player | entity | gamer, user_player, user, member | username, email, country, level#20, registered_at | naming=person rows=5000
game | entity | video_game, title_game | title, genre=action/rpg/strategy/puzzle/sports/shooter, price$30, released_on | naming=title rows=100
game_session | fact | session, play_session, login_session | started_at, duration_minutes, platform, device | parents=player,game time=started_at per=25
in_app_purchase | fact | iap, purchase_game, microtransaction | purchased_at, item=gems/coins/skin/battle_pass/loot_box, price$4.99 | parents=player time=purchased_at amount=price per=2
achievement | entity | trophy, badge | name=first_blood/explorer/collector/speedrunner/veteran/champion, points#20 | rows=60
achievement_unlock | fact | unlock | unlocked_at | parents=player,achievement time=unlocked_at per=6
chess_game | fact | chess_match | played_at, opening=sicilian/french/caro_kann/queens_gambit/ruy_lopez/kings_indian, result=white_win:0.38/draw:0.3/black_win:0.32, moves#40, time_control=bullet/blitz/rapid/classical | parents=player time=played_at per=20
leaderboard_entry | fact | ranking, score_entry | recorded_at, score#1500, rank#100 | parents=player,game time=recorded_at per=4
""",
    )
    + entries(
        "sports",
        """
team | entity | club, squad, franchise | name, city, founded_year, league=premier/championship/league_one | naming=team rows=20
athlete | entity | sportsperson, runner, swimmer, cyclist, footballer | full_name, birth_date, position, height_cm, country | refs=team naming=person rows=500
match | fact | game_match, fixture, race, bout | played_at, home_score#1.4, away_score#1.1, attendance#18000, venue | parents=team time=played_at per=38
league | entity | competition, division | name=premier/championship/league_one/league_two, country, season=2023_24/2024_25 | rows=4
coach | entity | manager_coach, head_coach, trainer_coach | full_name, hired_at | refs=team naming=person rows=40
performance_stat | fact | player_stat, box_score, stat | recorded_at, minutes_played#70, goals, assists#0.4, distance_km | parents=athlete,match time=recorded_at per=1
stadium | entity | arena, ballpark, venue, ground | name, city, capacity#30000 | naming=place rows=20
ticket_sale | fact | sports_ticket, match_ticket, season_ticket, ticket | sold_at, section=lower/upper/vip/standing, price$65 | parents=match time=sold_at amount=price per=800
gym | entity | fitness_center, fitness_centre, health_club, fitness_club | name, city, opened_on | naming=place rows=10
gym_member | entity | member_gym, gym_goer, member | full_name, email, plan, joined_at | refs=gym naming=person rows=3000
gym_class | entity | fitness_class, class_session, workout_class | name=yoga/spin/hiit/pilates/boxing/zumba/crossfit, duration_minutes, capacity#20 | rows=40
class_booking | fact | class_attendance, gym_visit, check_in, checkin, booking, reservation, visit, club_visit | booked_at, attended=true:0.85/false:0.15 | parents=gym_member,gym_class time=booked_at per=8
workout | fact | exercise_session, training_session, run_activity | started_at, activity=run/ride/swim/walk/strength/yoga, duration_minutes, distance_km, calories | parents=athlete time=started_at per=40
""",
    )
)
