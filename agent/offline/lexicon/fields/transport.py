"""Public transport, airlines, mobility (ride hailing, scooters, parking) and traffic."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = entries(
    "transport",
    """
passenger | entity | traveler, traveller, commuter, flyer, customer | full_name, email, country, loyalty_tier=none/silver/gold/platinum, registered_at | naming=person rows=5000
airline | entity | carrier_airline | name, country, fleet_size#80 | naming=company rows=12
airport | entity | aerodrome | name=JFK/LAX/ORD/ATL/LHR/CDG/FRA/AMS/MAD/NRT/SFO/DXB/SIN/HND/BCN, city, country | rows=15
airliner | entity | aircraft, plane, airplane, jet | tail_number@code, model=A320/A321neo/B737_800/B787_9/E190/ATR_72, seats#180, in_service_since | rows=40
airline_pilot | entity | pilot, captain, first_officer, flight_crew | full_name, rank=captain:0.45/first_officer:0.55, license_number@code, hired_at | naming=person rows=300
flight | fact | flight_leg, departure | departed_at, arrived_at, status, distance_km, delay_minutes#12 | parents=airline,airliner,airline_pilot refs=airport time=departed_at per=400
airline_booking | fact | flight_booking, airline_ticket, plane_ticket, air_ticket, booking, reservation, ticket | booked_at, cabin_class, fare$320, status=confirmed:0.85/cancelled:0.1/no_show:0.05 | parents=passenger,flight time=booked_at amount=fare per=3
bus_route | entity | route, line, transit_line | name=Route_1/Route_2/Route_5/Route_7/Route_12/Route_15/Route_22/Route_31/Route_40/Express_X1, mode=bus/tram/metro/rail | rows=40
stop | entity | bus_stop, transit_stop, platform | name, zone=1/2/3/4, latitude, longitude | naming=place rows=600
trip | fact | journey, transit_trip | started_at, ended_at, fare$2.8, payment_method=contactless:0.55/transit_card:0.35/cash:0.1 | parents=passenger,bus_route,stop time=started_at amount=fare per=20
train | entity | train_service | name=ICE_101/ICE_205/RE_12/IC_33/TGV_8401/Eurostar_9010, operator=db/sncf/renfe/trenitalia/sbb | rows=60
""",
) + entries(
    "mobility",
    """
rider | entity | ride_hailing_user, customer, passenger, user | full_name, email, phone, city, signed_up_at | naming=person rows=5000
driver | entity | chauffeur, cabbie | full_name, phone, vehicle_type, rating, joined_at | naming=person rows=600
ride | fact | ride_request, taxi_ride, cab_ride, rideshare, trip | requested_at, picked_up_at, dropped_off_at, distance_km, fare$16, tip, status, surge_multiplier=1.0:0.75/1.2:0.12/1.5:0.08/2.0:0.05 | parents=rider,driver time=requested_at amount=fare per=8
scooter | entity | e_scooter, bike, e_bike, bicycle | model=segway_max/xiaomi_pro/niu_kqi/vanmoof_s5, battery_pct~5..100, commissioned_at | rows=800
scooter_rental | fact | rental, bike_rental, bike_trip, scooter_trip, trip, ride | unlocked_at, locked_at, duration_minutes, distance_km, price$4.5 | parents=rider,scooter time=unlocked_at amount=price per=6
vehicle_rental | fact | car_rental_contract, van_rental, hire_contract | picked_up_at, returned_at, daily_rate$55, mileage_km~50..2500, insurance=basic:0.6/full:0.4 | parents=customer,vehicle,branch time=picked_up_at amount=daily_rate per=3
vehicle | entity | car, motor_vehicle, van, truck | license_plate, make=toyota/ford/volkswagen/honda/tesla/bmw/kia, model_year, fuel_type, car_class=compact/sedan/suv/van/premium, color | rows=2000
parking_zone | entity | zone, parking_lot, car_park, parking_area, garage, parking_garage | name, hourly_rate$2.5, spaces#120 | naming=place rows=40
parking_session | fact | parking, parking_event | started_at, ended_at, duration_minutes, amount$6 | parents=vehicle,parking_zone time=started_at amount=amount per=8
traffic_officer | entity | parking_officer, enforcement_officer, warden, traffic_warden, officer | full_name, badge_number, hired_at | naming=person rows=60
parking_ticket | fact | ticket, citation, fine, parking_fine, penalty_notice | issued_at, violation=expired_meter/no_permit/double_parking/loading_zone/fire_hydrant, fine_amount$60, paid=true:0.72/false:0.28 | parents=traffic_officer,vehicle,parking_zone time=issued_at amount=fine_amount per=40
toll_transaction | fact | toll, toll_crossing | crossed_at, lane#3, amount$4.5 | parents=vehicle time=crossed_at amount=amount per=12
charging_station | entity | charger, ev_charger, charge_point | name, connector=ccs/chademo/type2/nacs, power_kw=22/50/150/350 | naming=place rows=150
charging_session | fact | charge, ev_charge, charging_event | plugged_in_at, unplugged_at, energy_kwh~2..80, cost$14 | parents=vehicle,charging_station time=plugged_in_at amount=cost per=10
docking_station | entity | station, bike_station, dock, docking_point | name, city, capacity#20, opened_at | naming=place rows=300
""",
)
